"""The cap limits the discount: "20% off, at most 15.00"."""

import json

import pytest

from cartcli import Cart, LineItem, apply_code, load_codes
from cartcli.cli import main
from cartcli.settings import CURRENCY


def spring20():
    text = json.dumps({"codes": [
        {"code": "SPRING20", "type": "percent", "percent": 20, "cap_cents": 1500}]})
    return load_codes(text)["SPRING20"]


@pytest.mark.parametrize("subtotal, expected", [
    (27000, 1500),   # 20% = 54.00, capped
    (10000, 1500),   # 20% = 20.00, capped
    (7500, 1500),    # exactly at the cap
    (7000, 1400),    # under the cap
    (2000, 400),
])
def test_cap_limits_the_discount_not_the_base(subtotal, expected):
    receipt = apply_code(Cart((LineItem("a", subtotal),)), spring20())
    assert receipt.discount_cents == expected
    assert receipt.total_cents == subtotal - expected


def test_cli_shows_the_capped_discount(tmp_path, capsys):
    (tmp_path / "cart.json").write_text(json.dumps(
        {"items": [{"sku": "tent", "unit_price_cents": 18000},
                   {"sku": "stove", "unit_price_cents": 4500, "quantity": 2}]}))
    (tmp_path / "codes.json").write_text(json.dumps({"codes": [
        {"code": "SPRING20", "type": "percent", "percent": 20, "cap_cents": 1500}]}))
    assert main([str(tmp_path / "cart.json"), "--codes", str(tmp_path / "codes.json"),
                 "--code", "SPRING20"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [f"Discount  -15.00 {CURRENCY} (SPRING20)", f"Total     255.00 {CURRENCY}"]
