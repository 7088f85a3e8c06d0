from decimal import Decimal

import pytest

from invoicing.money import (
    CurrencyError,
    from_minor_units,
    quantize,
    to_decimal,
    to_minor_units,
)


def test_quantize_rounds_half_up():
    assert quantize(Decimal("2.675"), "EUR") == Decimal("2.68")
    assert quantize(Decimal("2.665"), "EUR") == Decimal("2.67")


def test_minor_units_round_trip():
    assert to_minor_units(Decimal("4.35"), "USD") == 435
    assert from_minor_units(435, "USD") == Decimal("4.35")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_decimal(4.35)


def test_unknown_currency_is_an_error():
    with pytest.raises(CurrencyError):
        to_minor_units(Decimal("1"), "XXX")
