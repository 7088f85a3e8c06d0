"""Human-readable amounts and plain-text invoices."""

from __future__ import annotations

from decimal import Decimal

from .models import Invoice
from .money import minor_digits, quantize
from .settings import SYMBOLS
from .totals import invoice_totals, line_net, tax_breakdown


def format_money(amount: Decimal, currency: str) -> str:
    """``Decimal("-1234.5")``, ``"EUR"`` -> ``"-€1,234.50"``."""
    digits = minor_digits(currency)
    value = quantize(amount, currency)
    sign = "-" if value < 0 else ""
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{abs(value):,.{digits}f}"


def format_rate(rate: Decimal) -> str:
    """``Decimal("0.075")`` -> ``"7.5%"``."""
    percent = (rate * 100).normalize()
    return f"{percent:f}%"


def render_invoice(invoice: Invoice) -> str:
    """The invoice as plain text, one line item per row, totals at the bottom."""
    cur = invoice.currency
    rows = [f"Invoice {invoice.number}", f"Customer: {invoice.customer}", ""]
    for line in invoice.lines:
        amount = format_money(line_net(line, cur), cur)
        rows.append(f"{line.description:<30} {line.quantity:>6} x {line.unit_price:>10}  {amount:>14}")
    totals = invoice_totals(invoice)
    rows.append("")
    rows.append(f"{'Net':<30} {format_money(totals.net, cur):>34}")
    for rate, tax in tax_breakdown(invoice).items():
        rows.append(f"{'Tax ' + format_rate(rate):<30} {format_money(tax, cur):>34}")
    rows.append(f"{'Total':<30} {format_money(totals.gross, cur):>34}")
    return "\n".join(rows) + "\n"
