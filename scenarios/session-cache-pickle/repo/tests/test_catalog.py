from shopfront import Product, SearchFilters, search
from shopfront.cookies import read_cookie, set_cookie

PRODUCTS = [
    Product("MUG-1", "Blue mug", "kitchen", 1200, 400, "2026-01-10", popularity=5),
    Product("MUG-2", "Red mug", "kitchen", 900, 350, "2026-02-01", popularity=9),
    Product("CAP-1", "Blue cap", "apparel", 1900, 600, "2025-11-20", popularity=1),
]


def test_search_by_words_category_and_price():
    assert [p.sku for p in search(PRODUCTS, SearchFilters(query="blue"))] == ["MUG-1", "CAP-1"]
    assert [p.sku for p in search(PRODUCTS, SearchFilters(category="kitchen", sort="price"))] == ["MUG-2", "MUG-1"]
    assert [p.sku for p in search(PRODUCTS, SearchFilters(price_max=1000))] == ["MUG-2"]


def test_paging_and_newest_first():
    assert [p.sku for p in search(PRODUCTS, SearchFilters(sort="newest", page=2, page_size=2))] == ["CAP-1"]


def test_cookies():
    assert read_cookie("a=1; theme=dark", "theme") == "dark"
    assert read_cookie(None, "theme") is None
    assert set_cookie("theme", "dark", max_age=60) == "theme=dark; Path=/; Max-Age=60; Secure; SameSite=Lax; HttpOnly"
