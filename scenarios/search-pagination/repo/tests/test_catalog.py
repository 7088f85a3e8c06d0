import pytest

from shopsearch import CatalogError, parse_products

GOOD = {"sku": "A-1", "title": " Tent ", "brand": "Cairn", "category": "camping",
        "price_cents": 100, "tags": ["two person", " "]}


def test_records_become_products():
    [product] = parse_products([GOOD])
    assert product.title == "Tent"
    assert product.tags == ("two person",)
    assert product.description == ""


@pytest.mark.parametrize("change", [
    {"sku": ""}, {"title": 3}, {"price_cents": -1}, {"price_cents": 1.5}, {"tags": "x"},
])
def test_bad_records_are_rejected(change):
    with pytest.raises(CatalogError):
        parse_products([{**GOOD, **change}])


def test_duplicate_skus_are_rejected():
    with pytest.raises(CatalogError, match="duplicate"):
        parse_products([GOOD, GOOD])
