"""``cartcli CART.json [--codes CODES.json --code CODE]``: print the receipt for a cart."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cartcli.cart import CartError, format_money, load_cart
from cartcli.discounts import DiscountError, apply_code, find_code, load_codes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cartcli", description="Price a cart.")
    parser.add_argument("cart", type=Path, help="cart JSON file")
    parser.add_argument("--codes", type=Path, help="discount codes JSON file")
    parser.add_argument("--code", help="discount code the shopper entered")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.code and not args.codes:
        parser.error("--code needs --codes")
    try:
        cart = load_cart(args.cart.read_text(encoding="utf-8"))
        code = None
        if args.code:
            code = find_code(load_codes(args.codes.read_text(encoding="utf-8")), args.code)
        receipt = apply_code(cart, code)
    except (OSError, CartError, DiscountError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Subtotal  {format_money(receipt.subtotal_cents)}")
    if receipt.code:
        print(f"Discount  {format_money(-receipt.discount_cents)} ({receipt.code})")
    print(f"Total     {format_money(receipt.total_cents)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
