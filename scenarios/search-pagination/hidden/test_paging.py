"""Walking the pages must show every result exactly once, in rank order."""

import math

import pytest

from shopsearch import Product, SearchIndex
from shopsearch.settings import DEFAULT_PER_PAGE


def widgets(n):
    return [Product(sku=f"W-{i:03d}", title=f"Widget {i}", brand="Acme", category="parts",
                    price_cents=100 + i, description="widget " * (i % 5)) for i in range(n)]


def walk(index, query, per_page):
    seen, page_no = [], 1
    while True:
        page = index.search_page(query, page=page_no, per_page=per_page)
        seen.extend(h.product.sku for h in page.items)
        if not page.has_next:
            return seen, page
        page_no += 1
        assert page_no < 1000


@pytest.mark.parametrize("n, per_page", [(53, 10), (25, 10), (11, 10), (7, 3), (12, 12)])
def test_every_result_appears_exactly_once(n, per_page):
    index = SearchIndex(widgets(n))
    seen, last = walk(index, "widget", per_page)
    assert seen == [h.product.sku for h in index.search("widget")]
    assert last.page == last.pages == math.ceil(n / per_page)


def test_page_count_rounds_up():
    index = SearchIndex(widgets(53))
    page = index.search_page("widget", per_page=10)
    assert page.pages == 6 and page.total == 53
    assert page.has_next


def test_last_partial_page_holds_the_remainder():
    index = SearchIndex(widgets(53))
    last = index.search_page("widget", page=6, per_page=10)
    assert [h.product.sku for h in last.items] == [
        h.product.sku for h in index.search("widget")][50:]
    assert not last.has_next
    assert index.search_page("widget", page=7, per_page=10).items == []


def test_default_page_size_when_results_overflow():
    n = DEFAULT_PER_PAGE + 1
    index = SearchIndex(widgets(n))
    first = index.search_page("widget")
    second = index.search_page("widget", page=2)
    assert len(first.items) == DEFAULT_PER_PAGE and first.has_next
    assert len(second.items) == 1 and second.pages == 2
