"""Connections and schema.

Every query in this package binds its values with ``?`` placeholders; nothing a customer typed is
ever pasted into SQL text.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    customer    TEXT    NOT NULL,
    email       TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending',
    total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
    placed_at   TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_customer ON orders (customer);
CREATE INDEX IF NOT EXISTS orders_placed_at ON orders (placed_at);
"""


def connect(path: str = ":memory:") -> sqlite3.Connection:
    """Open (and if needed create) the order database at ``path``."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.executescript(SCHEMA)
    return conn
