"""Discount codes and applying one to a cart.

Codes are published by marketing as JSON::

    {"codes": [{"code": "WELCOME5", "type": "fixed", "amount_cents": 500,
                "min_spend_cents": 2000}]}

Shoppers type codes in any case and with stray spaces; codes are stored upper-case. A code whose
minimum spend is not met is refused with a DiscountError (the shopper is told why), never silently
ignored. A discount never takes the total below zero.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cartcli.cart import Cart


class DiscountError(ValueError):
    """A code that does not exist, is malformed, or does not apply to this cart."""


@dataclass(frozen=True)
class FixedCode:
    """A fixed amount off, e.g. 5.00 off orders of 20.00 or more."""

    code: str
    amount_cents: int
    min_spend_cents: int = 0

    def discount_cents(self, subtotal_cents: int) -> int:
        if subtotal_cents < self.min_spend_cents:
            raise DiscountError(f"{self.code} needs a minimum spend of {self.min_spend_cents} cents")
        return min(self.amount_cents, subtotal_cents)


#: Every kind of code (one so far).
Code = FixedCode


@dataclass(frozen=True)
class Receipt:
    subtotal_cents: int
    discount_cents: int
    total_cents: int
    code: str | None = None


def apply_code(cart: Cart, code: Code | None) -> Receipt:
    """Price ``cart`` with ``code`` (or without a code)."""
    subtotal = cart.subtotal_cents
    if code is None:
        return Receipt(subtotal, 0, subtotal)
    discount = min(code.discount_cents(subtotal), subtotal)
    return Receipt(subtotal, discount, subtotal - discount, code.code)


def _cents(raw: dict[str, Any], key: str, default: int | None = None, low: int = 0) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise DiscountError(f"code {raw.get('code')!r}: {key!r} must be an integer >= {low}")
    return value


def _parse_code(raw: Any) -> Code:
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str) or not raw["code"].strip():
        raise DiscountError(f"every code needs a 'code' string (got {raw!r})")
    name = raw["code"].strip().upper()
    kind = raw.get("type")
    if kind == "fixed":
        return FixedCode(name, _cents(raw, "amount_cents", low=1), _cents(raw, "min_spend_cents", 0))
    raise DiscountError(f"code {name!r}: unknown type {kind!r}")


def load_codes(text: str) -> dict[str, Code]:
    """Every code of a published document, by upper-case name."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DiscountError(f"codes file is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        raise DiscountError('expected an object with a "codes" list')
    codes: dict[str, Code] = {}
    for raw in data["codes"]:
        code = _parse_code(raw)
        if code.code in codes:
            raise DiscountError(f"code {code.code!r} is defined twice")
        codes[code.code] = code
    return codes


def find_code(codes: dict[str, Code], entered: str) -> Code:
    """The code a shopper typed, matched case-insensitively."""
    name = entered.strip().upper()
    if name not in codes:
        raise DiscountError(f"unknown code {entered.strip()!r}")
    return codes[name]
