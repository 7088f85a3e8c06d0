import json

import pytest

from cartcli.cli import main
from cartcli.settings import CURRENCY


@pytest.fixture
def files(tmp_path):
    cart = tmp_path / "cart.json"
    cart.write_text(json.dumps({"items": [{"sku": "A", "unit_price_cents": 2500, "quantity": 2}]}))
    codes = tmp_path / "codes.json"
    codes.write_text(json.dumps({"codes": [
        {"code": "WELCOME5", "type": "fixed", "amount_cents": 500, "min_spend_cents": 2000}]}))
    return cart, codes


def test_receipt_without_code(files, capsys):
    cart, _ = files
    assert main([str(cart)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Subtotal  50.00 {CURRENCY}", f"Total     50.00 {CURRENCY}"]


def test_receipt_with_code(files, capsys):
    cart, codes = files
    assert main([str(cart), "--codes", str(codes), "--code", "welcome5"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == f"Discount  -5.00 {CURRENCY} (WELCOME5)"
    assert out[2] == f"Total     45.00 {CURRENCY}"


def test_unknown_code_is_an_error(files, capsys):
    cart, codes = files
    assert main([str(cart), "--codes", str(codes), "--code", "NOPE"]) == 2
    assert "unknown code" in capsys.readouterr().err
