from helpdesk import Backoffice, Message, ModelTurn, Order, ScriptedModel, ToolCall
from helpdesk.agent import run_agent
from helpdesk.tools import staff_tools


def _office():
    office = Backoffice()
    office.add_order(Order("1001", "ada@example.com", "shipped", 4999, "1 Analytical Row", "1Z999AA10123456784"))
    return office


def test_staff_console_runs_the_tools_the_model_asks_for():
    office = _office()
    model = ScriptedModel(
        [
            ModelTurn(tool_calls=(ToolCall("lookup_order", {"order_id": "1001"}),)),
            ModelTurn(tool_calls=(ToolCall("issue_refund", {"order_id": "1001", "amount_cents": 1000}),)),
            ModelTurn(text="Refunded 10.00."),
        ]
    )
    run = run_agent(model, staff_tools(office), [Message("user", "Refund 10 EUR on order 1001")])
    assert run.answer == "Refunded 10.00."
    assert office.refunds == [("1001", 1000)]
    assert "ship to 1 Analytical Row" in run.messages[2].content


def test_tool_errors_go_back_to_the_model():
    office = _office()
    model = ScriptedModel(
        [
            ModelTurn(tool_calls=(ToolCall("lookup_order", {"order_id": "9"}), ToolCall("nope", {}))),
            ModelTurn(text="Sorry."),
        ]
    )
    run = run_agent(model, staff_tools(office), [Message("user", "order 9?")])
    assert [m.content for m in run.messages if m.role == "tool"] == ["error: no order 9", "error: unknown tool 'nope'"]


def test_loop_stops_after_max_steps():
    looping = ScriptedModel(script=lambda messages, tools: ModelTurn(tool_calls=(ToolCall("lookup_order", {"order_id": "1001"}),)))
    run = run_agent(looping, staff_tools(_office()), [Message("user", "hi")], max_steps=3)
    assert run.answer == "(stopped: too many steps)"
    assert len(run.calls) == 3
