"""Plain search behaviour from before the change."""

import pytest

from shopsearch import CatalogError, SearchIndex, parse_products, tokenize
from shopsearch.demo import demo_products


@pytest.fixture(scope="module")
def index():
    return SearchIndex(demo_products())


def skus(hits):
    return [h.product.sku for h in hits]


def test_all_query_words_must_match(index):
    assert skus(index.search("winter jacket")) == ["JK-301"]
    assert skus(index.search("waterproof boots")) == ["BT-200", "BT-202"]


def test_results_are_ranked_then_sorted_by_sku(index):
    hits = index.search("running")
    keys = [(-h.score, h.product.sku) for h in hits]
    assert keys == sorted(keys)
    assert skus(hits)[-1] == "AC-503"


def test_limit(index):
    assert skus(index.search("running", limit=2)) == skus(index.search("running"))[:2]
    assert index.search("running", limit=0) == []


def test_stopword_only_and_unknown_queries(index):
    assert index.search("for the") == []
    assert index.search("kayak") == []
    assert tokenize("Socks") == ["sock"]


def test_catalogue_validation_still_applies():
    with pytest.raises(CatalogError):
        parse_products([{"sku": "X", "title": "T", "brand": "B", "category": "C",
                         "price_cents": "12"}])
