import json

import pytest

from cartcli import Cart, DiscountError, FixedCode, LineItem, apply_code, find_code, load_codes


def cart(*prices):
    return Cart(tuple(LineItem(f"sku-{i}", p) for i, p in enumerate(prices)))


def test_fixed_code_takes_its_amount_off():
    receipt = apply_code(cart(1500, 1000), FixedCode("WELCOME5", 500))
    assert (receipt.subtotal_cents, receipt.discount_cents, receipt.total_cents) == (2500, 500, 2000)
    assert receipt.code == "WELCOME5"


def test_fixed_code_never_makes_the_total_negative():
    receipt = apply_code(cart(300), FixedCode("BIG", 1000))
    assert receipt.discount_cents == 300 and receipt.total_cents == 0


def test_minimum_spend_is_enforced():
    code = FixedCode("WELCOME5", 500, min_spend_cents=2000)
    with pytest.raises(DiscountError, match="minimum spend"):
        apply_code(cart(1999), code)
    assert apply_code(cart(2000), code).total_cents == 1500


def test_no_code_means_no_discount():
    receipt = apply_code(cart(700), None)
    assert (receipt.discount_cents, receipt.total_cents, receipt.code) == (0, 700, None)


def test_codes_are_loaded_and_found_case_insensitively():
    text = json.dumps({"codes": [{"code": "welcome5", "type": "fixed", "amount_cents": 500}]})
    codes = load_codes(text)
    assert find_code(codes, "  Welcome5 ") == FixedCode("WELCOME5", 500)
    with pytest.raises(DiscountError, match="unknown code"):
        find_code(codes, "WELCOME6")


@pytest.mark.parametrize("raw", [
    {"code": "X", "type": "fixed", "amount_cents": 0},
    {"code": "X", "type": "fixed"},
    {"code": "X", "type": "bogo"},
    {"type": "fixed", "amount_cents": 5},
])
def test_bad_codes_are_rejected(raw):
    with pytest.raises(DiscountError):
        load_codes(json.dumps({"codes": [raw]}))


def test_duplicate_codes_are_rejected():
    raw = {"code": "X", "type": "fixed", "amount_cents": 5}
    with pytest.raises(DiscountError, match="twice"):
        load_codes(json.dumps({"codes": [raw, {**raw, "code": "x"}]}))
