"""Invoicing: line items, tax, totals and printable invoices."""

from .models import Invoice, LineItem
from .totals import Totals, invoice_totals

__all__ = ["Invoice", "LineItem", "Totals", "invoice_totals"]
