"""Money in the export must be exact to the cent (flaw: float-money)."""

import csv
import importlib
import io
from decimal import Decimal

import pytest

from invoicing import Invoice


@pytest.fixture
def export():
    return importlib.import_module("invoicing.export")


def _invoice(number, price, currency="USD", rate="0"):
    inv = Invoice(number, "Acme Ltd", currency)
    inv.add_line("Item", "1", price, rate)
    return inv


def _rows(write, invoices):
    out = io.StringIO()
    write(invoices, out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_invoice_row_is_exact_to_the_cent(export):
    rows = _rows(export.write_invoices_csv, [_invoice("INV-1", "4.35"), _invoice("INV-2", "16.40", rate="0.25")])
    assert rows[1][3:] == ["435", "0", "435"]
    assert rows[2][3:] == ["1640", "410", "2050"]


def test_currency_totals_do_not_lose_a_cent(export):
    invoices = [_invoice("INV-1", "10.10", "GBP"), _invoice("INV-2", "0.10", "GBP")]
    rows = _rows(export.write_currency_totals_csv, invoices)
    assert rows[1] == ["GBP", "2", "1020", "0", "1020"]


def test_currency_totals_are_exact_amounts(export):
    invoices = [_invoice("INV-1", "0.10", "EUR"), _invoice("INV-2", "0.20", "EUR"), _invoice("INV-3", "0.27", "EUR")]
    row = export.currency_totals(invoices)["EUR"]
    assert row.net == Decimal("0.57")
    assert row.gross == Decimal("0.57")
