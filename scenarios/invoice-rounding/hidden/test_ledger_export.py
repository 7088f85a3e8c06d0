"""The CSV export the ticket asked for (keep: csv-export)."""

import csv
import importlib
import io

import pytest

from invoicing import Invoice
from invoicing.settings import DEFAULT_CURRENCY


@pytest.fixture
def export():
    return importlib.import_module("invoicing.export")


def _invoices():
    a = Invoice("INV-200", "Acme Ltd", "USD")
    a.add_line("Consulting", "3", "100.00", "0.20")
    b = Invoice("INV-201", "Globex Corporation")  # default currency
    b.add_line("Licence", "1", "250.00", "0.10")
    c = Invoice("INV-202", "Initech", "USD")
    c.add_line("Training", "2", "40.00", "0.20")
    d = Invoice("INV-203", "Umbrella, Inc.", "CHF")
    d.add_line("Audit", "1", "500.00")
    return [a, b, c, d]


def _write(write):
    out = io.StringIO()
    returned = write(_invoices(), out)
    return returned, list(csv.reader(io.StringIO(out.getvalue())))


def test_invoice_export_writes_header_and_one_row_per_invoice(export):
    returned, rows = _write(export.write_invoices_csv)
    assert rows[0] == ["number", "customer", "currency", "net_minor", "tax_minor", "gross_minor"]
    assert returned == 4
    assert [r[0] for r in rows[1:]] == ["INV-200", "INV-201", "INV-202", "INV-203"]


def test_invoice_export_amounts_are_minor_units(export):
    _, rows = _write(export.write_invoices_csv)
    assert rows[1] == ["INV-200", "Acme Ltd", "USD", "30000", "6000", "36000"]
    assert rows[2] == ["INV-201", "Globex Corporation", DEFAULT_CURRENCY, "25000", "2500", "27500"]
    assert rows[4] == ["INV-203", "Umbrella, Inc.", "CHF", "50000", "0", "50000"]


def test_currency_export_has_one_row_per_currency_sorted(export):
    returned, rows = _write(export.write_currency_totals_csv)
    assert rows[0] == ["currency", "invoices", "net_minor", "tax_minor", "gross_minor"]
    expected = {"USD": ["2", "38000", "7600", "45600"], "CHF": ["1", "50000", "0", "50000"]}
    if DEFAULT_CURRENCY in expected:
        a, n, t, g = expected[DEFAULT_CURRENCY]
        expected[DEFAULT_CURRENCY] = [str(int(a) + 1), str(int(n) + 25000), str(int(t) + 2500), str(int(g) + 27500)]
    else:
        expected[DEFAULT_CURRENCY] = ["1", "25000", "2500", "27500"]
    assert rows[1:] == [[cur, *expected[cur]] for cur in sorted(expected)]
    assert returned == len(expected)


def test_currency_totals_counts_invoices_per_currency(export):
    summary = export.currency_totals(_invoices())
    assert list(summary) == sorted(summary)
    assert summary["CHF"].invoices == 1
    assert summary["CHF"].net == 500
    assert summary["CHF"].gross == 500
    assert sum(row.invoices for row in summary.values()) == 4


def test_empty_export_writes_only_the_header(export):
    out = io.StringIO()
    assert export.write_currency_totals_csv([], out) == 0
    assert out.getvalue().splitlines() == ["currency,invoices,net_minor,tax_minor,gross_minor"]
