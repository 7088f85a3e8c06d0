"""Fixed codes and the CLI as they worked before percentage codes."""

import json

import pytest

from cartcli import Cart, DiscountError, FixedCode, LineItem, apply_code, find_code, load_codes
from cartcli.cli import main
from cartcli.settings import CURRENCY


def cart(*prices):
    return Cart(tuple(LineItem(f"sku-{i}", p) for i, p in enumerate(prices)))


def test_fixed_codes_still_apply():
    assert apply_code(cart(2500), FixedCode("W5", 500)).total_cents == 2000
    assert apply_code(cart(200), FixedCode("W5", 500)).total_cents == 0
    with pytest.raises(DiscountError):
        apply_code(cart(1999), FixedCode("W5", 500, min_spend_cents=2000))


def test_fixed_code_documents_still_load():
    codes = load_codes(json.dumps({"codes": [
        {"code": "w5", "type": "fixed", "amount_cents": 500}]}))
    assert find_code(codes, "W5") == FixedCode("W5", 500)
    with pytest.raises(DiscountError):
        load_codes(json.dumps({"codes": [{"code": "x", "type": "bogo"}]}))


def test_cli_errors(tmp_path, capsys):
    cart_file = tmp_path / "cart.json"
    cart_file.write_text('{"items": [{"sku": "A", "unit_price_cents": 100}]}')
    codes = tmp_path / "codes.json"
    codes.write_text('{"codes": [{"code": "W5", "type": "fixed", "amount_cents": 5,'
                     ' "min_spend_cents": 1000}]}')
    assert main([str(cart_file), "--codes", str(codes), "--code", "W5"]) == 2
    assert "minimum spend" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.json")]) == 2
    with pytest.raises(SystemExit):
        main([str(cart_file), "--code", "W5"])


def test_cli_without_code(tmp_path, capsys):
    cart_file = tmp_path / "cart.json"
    cart_file.write_text('{"items": [{"sku": "A", "unit_price_cents": 1999, "quantity": 3}]}')
    assert main([str(cart_file)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"Total     59.97 {CURRENCY}"
