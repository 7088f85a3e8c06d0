"""Percentage codes the assistant added (cases where the cap does not bind)."""

import json

import pytest

from cartcli import Cart, DiscountError, LineItem, apply_code, load_codes
from cartcli.cli import main
from cartcli.settings import CURRENCY


def cart(*prices):
    return Cart(tuple(LineItem(f"sku-{i}", p) for i, p in enumerate(prices)))


def code(**raw):
    return load_codes(json.dumps({"codes": [{"code": "pct", "type": "percent", **raw}]}))["PCT"]


def test_uncapped_percentage_comes_off_the_subtotal():
    receipt = apply_code(cart(3000, 2000), code(percent=20))
    assert (receipt.subtotal_cents, receipt.discount_cents, receipt.total_cents) == (5000, 1000, 4000)
    assert receipt.code == "PCT"


def test_cart_below_the_cap_gets_the_full_percentage():
    receipt = apply_code(cart(1200), code(percent=25, cap_cents=5000))
    assert receipt.discount_cents == 300


@pytest.mark.parametrize("subtotal, percent, expected", [
    (1010, 15, 152), (1003, 15, 150), (1050, 5, 53), (999, 10, 100), (1, 50, 1)])
def test_half_cents_round_in_the_shoppers_favour(subtotal, percent, expected):
    assert apply_code(cart(subtotal), code(percent=percent)).discount_cents == expected


def test_minimum_spend_applies_to_percentage_codes():
    pct = code(percent=10, min_spend_cents=5000)
    with pytest.raises(DiscountError):
        apply_code(cart(4999), pct)
    assert apply_code(cart(5000), pct).discount_cents == 500


def test_hundred_percent_is_allowed_and_free():
    assert apply_code(cart(4321), code(percent=100)).total_cents == 0


@pytest.mark.parametrize("raw", [
    {"percent": 0}, {"percent": 101}, {"percent": 7.5}, {"percent": True}, {},
    {"percent": 10, "cap_cents": 0}, {"percent": 10, "cap_cents": "15"},
    {"percent": 10, "min_spend_cents": -1},
])
def test_invalid_percentage_codes_are_rejected(raw):
    with pytest.raises(DiscountError):
        code(**raw)


def test_cli_prints_a_percentage_discount(tmp_path, capsys):
    (tmp_path / "cart.json").write_text(json.dumps(
        {"items": [{"sku": "A", "unit_price_cents": 1010}]}))
    (tmp_path / "codes.json").write_text(json.dumps({"codes": [
        {"code": "SOCKS15", "type": "percent", "percent": 15, "cap_cents": 2000}]}))
    assert main([str(tmp_path / "cart.json"), "--codes", str(tmp_path / "codes.json"),
                 "--code", "socks15"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Subtotal  10.10 {CURRENCY}",
        f"Discount  -1.52 {CURRENCY} (SOCKS15)",
        f"Total     8.58 {CURRENCY}",
    ]
