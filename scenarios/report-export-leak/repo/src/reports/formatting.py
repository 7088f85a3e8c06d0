"""How one sale becomes one CSV row."""

from __future__ import annotations

import sqlite3

from .errors import ExportError

HEADER = ["sale_id", "date", "sku", "quantity", "amount"]


def format_amount(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units}.{rest:02d}"


def format_row(row: sqlite3.Row) -> list[str]:
    """The CSV cells for one sale; a sale without an amount cannot be exported."""
    if row["amount_cents"] is None:
        raise ExportError(f"sale {row['id']} has no amount; fix it in the tills import first")
    return [str(row["id"]), row["sold_at"][:10], row["sku"], str(row["quantity"]), format_amount(row["amount_cents"])]
