"""Facet filters and sidebar counts the assistant added."""

import pytest

from shopsearch import SearchIndex
from shopsearch.demo import demo_products


@pytest.fixture(scope="module")
def index():
    return SearchIndex(demo_products())


def facets(**kwargs):
    from shopsearch.facets import Facets

    sets = {k: frozenset(v) for k, v in kwargs.items() if k in ("brands", "categories")}
    return Facets(**{**kwargs, **sets})


def skus(page):
    return [h.product.sku for h in page.items]


def test_no_facets_gives_the_plain_ranking(index):
    page = index.search_page("hiking")
    assert skus(page) == [h.product.sku for h in index.search("hiking")]
    assert page.total == 8


def test_brands_are_alternatives(index):
    page = index.search_page("running", facets=facets(brands={"Northpeak", "Cairn"}))
    assert skus(page) == ["AC-503"]
    page = index.search_page("hiking", facets=facets(brands={"Northpeak", "Cairn"}))
    assert {h.product.brand for h in page.items} == {"Northpeak", "Cairn"}
    assert page.total == 8


def test_different_facets_must_all_hold(index):
    page = index.search_page("waterproof", facets=facets(brands={"Cairn"}, categories={"shoes"}))
    assert sorted(skus(page)) == ["BT-200", "BT-202"]


def test_price_bounds_are_inclusive(index):
    page = index.search_page("hiking", facets=facets(min_price_cents=13900,
                                                     max_price_cents=18900))
    assert sorted(skus(page)) == ["BP-400", "BT-200", "BT-201"]


def test_filtered_results_keep_their_rank_order(index):
    page = index.search_page("trail", facets=facets(brands={"Fellstride"}))
    ranked = [h.product.sku for h in index.search("trail") if h.product.brand == "Fellstride"]
    assert skus(page) == ranked


def test_facet_counts_cover_all_matches_before_filtering(index):
    page = index.search_page("waterproof", facets=facets(categories={"shoes"}))
    assert page.total == 2
    assert page.facet_counts == {
        "brand": {"Cairn": 4, "Northpeak": 1},
        "category": {"jackets": 2, "shoes": 2, "backpacks": 1},
    }


def test_filter_matching_nothing(index):
    page = index.search_page("running", facets=facets(categories={"tents"}))
    assert page.items == [] and page.total == 0
    assert page.facet_counts["brand"] == {"Fellstride": 6, "Northpeak": 1}
