import pytest

from cartcli import CartError, load_cart
from cartcli.cart import format_money
from cartcli.settings import CURRENCY


def test_cart_is_loaded_and_summed():
    cart = load_cart('{"items": [{"sku": "A", "unit_price_cents": 1250, "quantity": 2},'
                     ' {"sku": "B", "unit_price_cents": 99}]}')
    assert cart.subtotal_cents == 2599
    assert cart.items[1].quantity == 1


@pytest.mark.parametrize("text", [
    "nope", "[]", '{"items": {}}', '{"items": [{"sku": "", "unit_price_cents": 1}]}',
    '{"items": [{"sku": "A", "unit_price_cents": -1}]}',
    '{"items": [{"sku": "A", "unit_price_cents": 1, "quantity": 0}]}',
    '{"items": [{"sku": "A", "unit_price_cents": 1.5}]}',
])
def test_bad_carts_are_rejected(text):
    with pytest.raises(CartError):
        load_cart(text)


def test_money_is_formatted_from_cents():
    assert format_money(4990) == f"49.90 {CURRENCY}"
    assert format_money(-5) == f"-0.05 {CURRENCY}"
