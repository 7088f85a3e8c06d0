from helpdesk import Backoffice, Order
from helpdesk.tools import staff_tools


def test_refund_is_checked_against_the_order_total():
    office = Backoffice()
    office.add_order(Order("1001", "ada@example.com", "shipped", 4999, "1 Analytical Row"))
    tools = staff_tools(office)
    assert tools.call("issue_refund", {"order_id": "1001", "amount_cents": 99999}).startswith("error:")
    assert office.refunds == []


def test_privileged_tools_are_marked():
    tools = staff_tools(Backoffice())
    assert {name for name in tools.names() if tools.get(name).privileged} == {"issue_refund", "close_account"}


def test_bad_arguments_are_an_error_result():
    assert staff_tools(Backoffice()).call("add_note", {"text": "x"}).startswith("error: bad arguments")
