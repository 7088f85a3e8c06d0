"""How orders are shown in the back office and in support e-mails."""

from __future__ import annotations

from .models import Order, OrderStatus

_STATUS_LABELS = {
    OrderStatus.PENDING: "awaiting payment",
    OrderStatus.PAID: "paid",
    OrderStatus.SHIPPED: "shipped",
    OrderStatus.CANCELLED: "cancelled",
}


def format_cents(cents: int, currency: str = "EUR") -> str:
    """``1999`` -> ``"19.99 EUR"``; thousands are grouped with a thin space for readability."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    return f"{sign}{units:,}.{rest:02d} {currency}".replace(",", "\u2009")


def summary_line(order: Order, currency: str = "EUR") -> str:
    """One line per order, as the search screen lists them."""
    day = order.placed_at[:10]
    return (
        f"#{order.id} {day} {order.customer} <{order.email}> "
        f"{format_cents(order.total_cents, currency)} ({_STATUS_LABELS[order.status]})"
    )
