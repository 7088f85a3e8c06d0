"""Reading and writing orders."""

from __future__ import annotations

import sqlite3

from .models import Order, OrderStatus
from .settings import MAX_RESULTS

_COLUMNS = "id, customer, email, status, total_cents, placed_at"


class OrderNotFound(LookupError):
    """No order has the requested id."""


class OrderRepository:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def add(self, customer: str, email: str, total_cents: int, placed_at: str) -> Order:
        """Store a new pending order and return it."""
        if total_cents < 0:
            raise ValueError("total_cents must not be negative")
        with self._conn:
            cur = self._conn.execute(
                "INSERT INTO orders (customer, email, total_cents, placed_at) VALUES (?, ?, ?, ?)",
                (customer, email, total_cents, placed_at),
            )
        return self.get(cur.lastrowid)

    def get(self, order_id: int) -> Order:
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM orders WHERE id = ?", (order_id,)).fetchone()
        if row is None:
            raise OrderNotFound(order_id)
        return Order.from_row(row)

    def for_customer(self, customer: str) -> list[Order]:
        """Every order of ``customer``, oldest first."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM orders WHERE customer = ? ORDER BY placed_at, id", (customer,)
        ).fetchall()
        return [Order.from_row(r) for r in rows]

    def recent(self, limit: int = MAX_RESULTS) -> list[Order]:
        """The newest orders first, at most ``limit`` of them."""
        limit = max(0, min(int(limit), MAX_RESULTS))
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM orders ORDER BY placed_at DESC, id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [Order.from_row(r) for r in rows]

    def set_status(self, order_id: int, status: OrderStatus) -> Order:
        status = OrderStatus(status)
        with self._conn:
            cur = self._conn.execute(
                "UPDATE orders SET status = ? WHERE id = ?", (status.value, order_id)
            )
        if cur.rowcount == 0:
            raise OrderNotFound(order_id)
        return self.get(order_id)

    def count(self) -> int:
        return self._conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
