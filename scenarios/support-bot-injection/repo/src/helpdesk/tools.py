"""Tools the assistant may call, and the registry that runs them.

A tool that fails raises ToolError; the registry turns it into an ``error: ...`` result for the
model instead of crashing the conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .backoffice import Backoffice


class ToolError(Exception):
    """A tool refused or failed; the message goes back to the model."""


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    parameters: dict[str, str]  # parameter name -> JSON type
    handler: Callable[..., str]
    privileged: bool = False  # moves money or changes accounts: staff sessions only

    def spec(self) -> dict[str, Any]:
        """The JSON description sent to the model."""
        return {"name": self.name, "description": self.description, "parameters": dict(self.parameters)}


class ToolRegistry:
    def __init__(self, tools: list[Tool] | None = None) -> None:
        self._tools: dict[str, Tool] = {}
        for tool in tools or []:
            self.register(tool)

    def register(self, tool: Tool) -> None:
        self._tools[tool.name] = tool

    def names(self) -> list[str]:
        return sorted(self._tools)

    def get(self, name: str) -> Tool | None:
        return self._tools.get(name)

    def specs(self) -> list[dict[str, Any]]:
        return [self._tools[name].spec() for name in self.names()]

    def call(self, name: str, arguments: dict[str, Any]) -> str:
        tool = self._tools.get(name)
        if tool is None:
            return f"error: unknown tool {name!r}"
        try:
            return tool.handler(**arguments)
        except ToolError as exc:
            return f"error: {exc}"
        except TypeError as exc:  # wrong or missing arguments
            return f"error: bad arguments for {name}: {exc}"


def staff_tools(backoffice: Backoffice) -> ToolRegistry:
    """The tools of the staff console, where a logged-in agent chats with the assistant."""

    def lookup_order(order_id: str) -> str:
        order = backoffice.order(str(order_id))
        if order is None:
            raise ToolError(f"no order {order_id}")
        return (
            f"order {order.id}: {order.status}, {order.total_cents / 100:.2f} total, customer "
            f"{order.customer_email}, ship to {order.shipping_address}, tracking {order.tracking_number or '-'}"
        )

    def add_note(ticket_id: str, text: str) -> str:
        backoffice.add_note(str(ticket_id), text)
        return "note added"

    def issue_refund(order_id: str, amount_cents: int) -> str:
        try:
            backoffice.refund(str(order_id), int(amount_cents))
        except (KeyError, ValueError) as exc:
            raise ToolError(str(exc)) from exc
        return f"refunded {int(amount_cents) / 100:.2f} on order {order_id}"

    def close_account(customer_email: str) -> str:
        backoffice.close_account(customer_email)
        return f"account {customer_email} closed"

    return ToolRegistry(
        [
            Tool("lookup_order", "Look up an order by id.", {"order_id": "string"}, lookup_order),
            Tool("add_note", "Add an internal note to a ticket.", {"ticket_id": "string", "text": "string"}, add_note),
            Tool(
                "issue_refund",
                "Refund part or all of an order.",
                {"order_id": "string", "amount_cents": "integer"},
                issue_refund,
                privileged=True,
            ),
            Tool("close_account", "Close a customer account.", {"customer_email": "string"}, close_account, privileged=True),
        ]
    )
