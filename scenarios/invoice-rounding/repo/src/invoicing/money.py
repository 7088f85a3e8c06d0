"""Money helpers.

Amounts are always ``Decimal``, never ``float``: binary floats cannot represent most cent values
exactly, and the ledger must agree with the printed invoice to the cent. Rounding is half-up, as
on every invoice we have ever printed.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .settings import MINOR_UNITS


class CurrencyError(ValueError):
    """An unknown or unsupported currency code."""


def minor_digits(currency: str) -> int:
    """Number of digits after the decimal point for ``currency``."""
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise CurrencyError(f"unsupported currency: {currency!r}") from None


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Convert ``value`` to ``Decimal``; floats are refused on purpose."""
    if isinstance(value, float):
        raise TypeError("pass money as str or Decimal, not float")
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` half-up to the minor unit of ``currency``."""
    step = Decimal(1).scaleb(-minor_digits(currency))
    return amount.quantize(step, rounding=ROUND_HALF_UP)


def to_minor_units(amount: Decimal, currency: str) -> int:
    """``amount`` as an integer count of minor units (cents), rounded half-up."""
    return int(quantize(amount, currency).scaleb(minor_digits(currency)))


def from_minor_units(units: int, currency: str) -> Decimal:
    """The amount that ``units`` minor units of ``currency`` make."""
    return Decimal(units).scaleb(-minor_digits(currency))
