"""Invoices and their line items."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .money import minor_digits, to_decimal
from .settings import DEFAULT_CURRENCY


@dataclass(frozen=True)
class LineItem:
    """One billed item: ``quantity`` x ``unit_price``, taxed at ``tax_rate`` (0.2 is 20 %)."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal = Decimal("0")

    def __post_init__(self) -> None:
        for name in ("quantity", "unit_price", "tax_rate"):
            object.__setattr__(self, name, to_decimal(getattr(self, name)))
        if self.quantity <= 0:
            raise ValueError("quantity must be positive")
        if self.unit_price < 0:
            raise ValueError("unit price must not be negative")
        if not Decimal("0") <= self.tax_rate < Decimal("1"):
            raise ValueError("tax rate must be in [0, 1)")


@dataclass
class Invoice:
    """An invoice to one customer in one currency."""

    number: str
    customer: str
    currency: str = DEFAULT_CURRENCY
    lines: list[LineItem] = field(default_factory=list)

    def __post_init__(self) -> None:
        minor_digits(self.currency)  # raises CurrencyError for unsupported currencies
        if not self.number:
            raise ValueError("an invoice needs a number")

    def add_line(
        self,
        description: str,
        quantity: Decimal | int | str,
        unit_price: Decimal | str,
        tax_rate: Decimal | str = "0",
    ) -> LineItem:
        """Append a line item and return it."""
        line = LineItem(description, quantity, unit_price, tax_rate)  # type: ignore[arg-type]
        self.lines.append(line)
        return line
