"""Behaviour that worked before the export was added."""

from decimal import Decimal

from invoicing import Invoice, invoice_totals
from invoicing.formatting import format_money, render_invoice
from invoicing.money import quantize, to_minor_units
from invoicing.settings import DEFAULT_CURRENCY, SYMBOLS


def test_invoice_defaults_to_the_configured_currency():
    assert Invoice("INV-1", "Acme").currency == DEFAULT_CURRENCY


def test_lines_are_rounded_half_up_before_summing():
    inv = Invoice("INV-2", "Acme", "EUR")
    inv.add_line("A", "1", "0.125", "0.20")  # 0.13 net, 0.03 tax
    inv.add_line("B", "3", "0.335")  # 1.005 -> 1.01
    totals = invoice_totals(inv)
    assert (totals.net, totals.tax, totals.gross) == (Decimal("1.14"), Decimal("0.03"), Decimal("1.17"))


def test_minor_units_are_exact():
    assert to_minor_units(Decimal("4.35"), "USD") == 435
    assert quantize(Decimal("1.005"), "GBP") == Decimal("1.01")


def test_render_invoice_uses_the_currency_symbol():
    inv = Invoice("INV-3", "Acme")
    inv.add_line("Widget", "2", "1250.00")
    text = render_invoice(inv)
    assert format_money(Decimal("2500"), DEFAULT_CURRENCY) in text
    assert SYMBOLS[DEFAULT_CURRENCY] in text
