"""cartcli: price a shopping cart and apply a discount code, from the command line."""

from cartcli.cart import Cart, CartError, LineItem, load_cart
from cartcli.discounts import DiscountError, FixedCode, Receipt, apply_code, find_code, load_codes

__all__ = [
    "Cart",
    "CartError",
    "DiscountError",
    "FixedCode",
    "LineItem",
    "Receipt",
    "apply_code",
    "find_code",
    "load_cart",
    "load_codes",
]
