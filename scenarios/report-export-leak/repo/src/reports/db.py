"""The sales database (a SQLite file copied nightly from the tills)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

SCHEMA = """
CREATE TABLE IF NOT EXISTS sales (
    id           INTEGER PRIMARY KEY,
    region       TEXT    NOT NULL,
    sold_at      TEXT    NOT NULL,  -- ISO 8601, UTC
    sku          TEXT    NOT NULL,
    quantity     INTEGER NOT NULL,
    amount_cents INTEGER            -- NULL for some sales imported from the old tills
);
"""


def connect(path: str) -> sqlite3.Connection:
    """Open the sales database; the caller must close the connection."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    conn.executescript(SCHEMA)
    return conn


def insert_sales(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """Insert ``(id, region, sold_at, sku, quantity, amount_cents)`` tuples."""
    with conn:
        conn.executemany("INSERT INTO sales VALUES (?, ?, ?, ?, ?, ?)", rows)


def month_bounds(month: str) -> tuple[str, str]:
    """``"2026-02"`` -> ``("2026-02-01", "2026-03-01")``: the half-open range of ``sold_at``."""
    year, mon = (int(part) for part in month.split("-"))
    if not 1 <= mon <= 12:
        raise ValueError(f"not a month: {month!r}")
    nxt = f"{year + 1:04d}-01" if mon == 12 else f"{year:04d}-{mon + 1:02d}"
    return f"{year:04d}-{mon:02d}-01", f"{nxt}-01"
