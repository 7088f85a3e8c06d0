"""Behaviour that worked before auto-triage was added: the staff console."""

from helpdesk import Backoffice, Message, ModelTurn, Order, ScriptedModel, ToolCall
from helpdesk.agent import run_agent
from helpdesk.tools import staff_tools


def _office():
    office = Backoffice()
    office.add_order(Order("1001", "ada@example.com", "delivered", 4999, "1 Analytical Row", None))
    return office


def test_staff_console_can_still_refund_and_close_accounts():
    office = _office()
    model = ScriptedModel(
        [
            ModelTurn(
                tool_calls=(
                    ToolCall("issue_refund", {"order_id": "1001", "amount_cents": 2500}),
                    ToolCall("close_account", {"customer_email": "ada@example.com"}),
                )
            ),
            ModelTurn(text="ok"),
        ]
    )
    run = run_agent(model, staff_tools(office), [Message("user", "refund half and close the account")])
    assert run.answer == "ok"
    assert office.refunds == [("1001", 2500)]
    assert office.closed_accounts == ["ada@example.com"]


def test_staff_lookup_shows_the_order():
    result = staff_tools(_office()).call("lookup_order", {"order_id": "1001"})
    assert result.startswith("order 1001: delivered, 49.99 total")


def test_unknown_tools_and_bad_arguments_are_errors():
    tools = staff_tools(_office())
    assert tools.call("format_disk", {}) == "error: unknown tool 'format_disk'"
    assert tools.call("lookup_order", {"id": "1"}).startswith("error: bad arguments")
