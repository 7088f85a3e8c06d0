"""Search, filters and cookies, unchanged."""

import pytest

from shopfront import Product, SearchFilters, search
from shopfront.cookies import read_cookie, set_cookie
from shopfront.filters import InvalidFilters


def test_filters_from_the_query_string():
    f = SearchFilters.from_query_params({"q": "mug", "sort": "price", "per_page": "48"})
    assert (f.query, f.sort, f.page_size) == ("mug", "price", 48)
    with pytest.raises(InvalidFilters):
        SearchFilters.from_query_params({"sort": "cost_cents"})


def test_search_pages():
    products = [Product(f"P-{i}", f"Mug {i}", "kitchen", 100 * i, 50 * i, f"2026-01-{i + 1:02d}") for i in range(5)]
    assert [p.sku for p in search(products, SearchFilters(sort="-price", page_size=2, page=2))] == ["P-2", "P-1"]


def test_cookie_helpers():
    assert read_cookie("x=1; y=2", "y") == "2"
    assert "HttpOnly" in set_cookie("a", "b", max_age=1)
