from orders import Order, OrderStatus
from orders.format import format_cents, summary_line


def test_format_cents():
    assert format_cents(1999) == "19.99 EUR"
    assert format_cents(5) == "0.05 EUR"
    assert format_cents(123456789, "USD") == "1\u2009234\u2009567.89 USD"
    assert format_cents(-250) == "-2.50 EUR"


def test_summary_line():
    order = Order(7, "Ada Lovelace", "ada@example.com", OrderStatus.PENDING, 1999, "2026-03-01T09:30:00")
    assert summary_line(order) == "#7 2026-03-01 Ada Lovelace <ada@example.com> 19.99 EUR (awaiting payment)"
