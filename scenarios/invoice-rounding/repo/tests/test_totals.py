from decimal import Decimal

import pytest

from invoicing import Invoice, invoice_totals
from invoicing.settings import DEFAULT_CURRENCY
from invoicing.totals import tax_breakdown


@pytest.fixture
def invoice():
    inv = Invoice("INV-001", "Acme Ltd")
    inv.add_line("Consulting", "3", "120.00", "0.20")
    inv.add_line("Travel", "1", "45.55", "0.20")
    inv.add_line("Books", "2", "9.99", "0.07")
    return inv


def test_default_currency_comes_from_settings():
    assert Invoice("INV-002", "Acme Ltd").currency == DEFAULT_CURRENCY


def test_totals_are_sums_of_rounded_lines(invoice):
    totals = invoice_totals(invoice)
    assert totals.net == Decimal("425.53")
    # 72.00 + 9.11 (9.11 = 45.55 * 0.2) + 1.40 (19.98 * 0.07 = 1.3986)
    assert totals.tax == Decimal("82.51")
    assert totals.gross == Decimal("508.04")


def test_tax_breakdown_groups_by_rate(invoice):
    assert tax_breakdown(invoice) == {Decimal("0.07"): Decimal("1.40"), Decimal("0.20"): Decimal("81.11")}


def test_empty_invoice_totals_zero():
    totals = invoice_totals(Invoice("INV-003", "Acme Ltd", "USD"))
    assert (totals.net, totals.tax, totals.gross) == (0, 0, 0)


def test_line_items_validate_their_inputs():
    inv = Invoice("INV-004", "Acme Ltd")
    with pytest.raises(ValueError):
        inv.add_line("Refund", "-1", "10.00")
    with pytest.raises(ValueError):
        inv.add_line("Odd tax", "1", "10.00", "1.5")
