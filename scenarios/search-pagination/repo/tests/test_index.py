import pytest

from shopsearch import SearchIndex
from shopsearch.demo import demo_products


@pytest.fixture(scope="module")
def index():
    return SearchIndex(demo_products())


def skus(hits):
    return [h.product.sku for h in hits]


def test_every_query_word_must_match(index):
    assert skus(index.search("waterproof boot")) == ["BT-200", "BT-202"]


def test_title_matches_rank_above_description_only_matches(index):
    hits = index.search("jacket")
    assert set(skus(hits)) == {"JK-300", "JK-301", "JK-302", "JK-303"}
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))


def test_rare_words_weigh_more(index):
    assert index.idf("gaiter") > index.idf("hiking")


def test_ties_are_broken_by_sku(index):
    hits = index.search("cairn")
    tied = [h for h in hits if h.score == hits[0].score]
    assert skus(tied) == sorted(skus(tied))


def test_limit_and_empty_queries(index):
    assert len(index.search("running", limit=3)) == 3
    assert index.search("the and of") == []
    assert index.search("snorkel") == []


def test_duplicate_skus_are_refused():
    products = demo_products()
    with pytest.raises(ValueError):
        SearchIndex(products + products[:1])
