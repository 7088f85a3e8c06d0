"""Carts and their line items. All amounts are integer cents."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cartcli.settings import CURRENCY


class CartError(ValueError):
    """A cart file that cannot be priced."""


@dataclass(frozen=True)
class LineItem:
    sku: str
    unit_price_cents: int
    quantity: int = 1

    @property
    def total_cents(self) -> int:
        return self.unit_price_cents * self.quantity


@dataclass(frozen=True)
class Cart:
    items: tuple[LineItem, ...]

    @property
    def subtotal_cents(self) -> int:
        return sum(item.total_cents for item in self.items)


def format_money(cents: int) -> str:
    """``4990`` -> ``"49.90 EUR"``."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d} {CURRENCY}"


def _item(raw: Any, n: int) -> LineItem:
    if not isinstance(raw, dict):
        raise CartError(f"item {n}: expected an object")
    sku, price, qty = raw.get("sku"), raw.get("unit_price_cents"), raw.get("quantity", 1)
    if not isinstance(sku, str) or not sku.strip():
        raise CartError(f"item {n}: 'sku' must be a non-empty string")
    for key, value, low in (("unit_price_cents", price, 0), ("quantity", qty, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise CartError(f"item {n}: {key!r} must be an integer >= {low}")
    return LineItem(sku.strip(), price, qty)


def load_cart(text: str) -> Cart:
    """A cart from its JSON form: ``{"items": [{"sku", "unit_price_cents", "quantity"}]}``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CartError(f"not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise CartError('expected an object with an "items" list')
    return Cart(tuple(_item(raw, n) for n, raw in enumerate(data["items"], start=1)))
