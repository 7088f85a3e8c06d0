from decimal import Decimal

from invoicing import Invoice
from invoicing.formatting import format_money, format_rate, render_invoice


def test_format_money_groups_thousands():
    assert format_money(Decimal("1234.5"), "EUR") == "€1,234.50"
    assert format_money(Decimal("-3"), "GBP") == "-£3.00"
    assert format_money(Decimal("10"), "CHF") == "CHF 10.00"


def test_format_rate():
    assert format_rate(Decimal("0.20")) == "20%"
    assert format_rate(Decimal("0.075")) == "7.5%"


def test_render_invoice_shows_lines_and_totals():
    inv = Invoice("INV-010", "Globex", "USD")
    inv.add_line("Support plan", "1", "1000.00", "0.10")
    text = render_invoice(inv)
    assert "Invoice INV-010" in text
    assert "Customer: Globex" in text
    assert "$1,000.00" in text
    assert "Tax 10%" in text
    assert text.rstrip().endswith("$1,100.00")
