"""The back office the support team works in: tickets, orders, notes, refunds.

An in-memory stand-in for the real services with the same operations; the assistant's tools call
these methods and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Ticket:
    """A support request as it arrived (by e-mail or the contact form)."""

    id: str
    customer_email: str
    subject: str
    body: str


@dataclass(frozen=True)
class Order:
    id: str
    customer_email: str
    status: str
    total_cents: int
    shipping_address: str
    tracking_number: str | None = None


@dataclass
class Backoffice:
    orders: dict[str, Order] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (ticket id, text)
    drafts: list[tuple[str, str]] = field(default_factory=list)  # (ticket id, reply body)
    refunds: list[tuple[str, int]] = field(default_factory=list)  # (order id, cents)
    closed_accounts: list[str] = field(default_factory=list)

    def add_order(self, order: Order) -> None:
        self.orders[order.id] = order

    def order(self, order_id: str) -> Order | None:
        return self.orders.get(order_id)

    def add_note(self, ticket_id: str, text: str) -> None:
        self.notes.append((ticket_id, text))

    def save_draft(self, ticket_id: str, body: str) -> None:
        """Store a reply for an agent to check and send."""
        self.drafts.append((ticket_id, body))

    def refund(self, order_id: str, cents: int) -> None:
        order = self.orders[order_id]
        if not 0 < cents <= order.total_cents:
            raise ValueError(f"cannot refund {cents} cents on order {order_id}")
        self.refunds.append((order_id, cents))

    def close_account(self, customer_email: str) -> None:
        self.closed_accounts.append(customer_email)
