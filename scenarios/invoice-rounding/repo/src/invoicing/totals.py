"""Invoice totals.

Each line is rounded to the cent on its own (net first, then its tax), and the invoice totals are
the sums of the rounded lines, so the printed lines always add up to the printed totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .models import Invoice, LineItem
from .money import quantize


@dataclass(frozen=True)
class Totals:
    """Net, tax and gross amounts of one invoice."""

    currency: str
    net: Decimal
    tax: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


def line_net(line: LineItem, currency: str) -> Decimal:
    """Net amount of one line, rounded to the cent."""
    return quantize(line.quantity * line.unit_price, currency)


def line_tax(line: LineItem, currency: str) -> Decimal:
    """Tax on one line, computed on its rounded net amount."""
    return quantize(line_net(line, currency) * line.tax_rate, currency)


def invoice_totals(invoice: Invoice) -> Totals:
    """Totals of ``invoice``: the sums of its rounded lines."""
    net = sum((line_net(line, invoice.currency) for line in invoice.lines), Decimal("0"))
    tax = sum((line_tax(line, invoice.currency) for line in invoice.lines), Decimal("0"))
    return Totals(invoice.currency, net, tax)


def tax_breakdown(invoice: Invoice) -> dict[Decimal, Decimal]:
    """Tax per rate, for the summary box of the printed invoice; rates in ascending order."""
    by_rate: dict[Decimal, Decimal] = {}
    for line in invoice.lines:
        if line.tax_rate:
            tax = line_tax(line, invoice.currency)
            by_rate[line.tax_rate] = by_rate.get(line.tax_rate, Decimal("0")) + tax
    return dict(sorted(by_rate.items()))
