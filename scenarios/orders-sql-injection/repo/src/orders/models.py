"""The order record and its statuses."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import Enum


class OrderStatus(str, Enum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Order:
    id: int
    customer: str
    email: str
    status: OrderStatus
    total_cents: int
    placed_at: str
    """ISO 8601 date-time in UTC, e.g. ``2026-03-01T09:30:00``; sorts as text."""

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "Order":
        return cls(
            id=row["id"],
            customer=row["customer"],
            email=row["email"],
            status=OrderStatus(row["status"]),
            total_cents=row["total_cents"],
            placed_at=row["placed_at"],
        )
