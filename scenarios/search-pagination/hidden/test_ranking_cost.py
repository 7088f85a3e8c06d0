"""Ranking must stay near-linear in the number of matches.

Cost is measured by counting SKU comparisons (an instrumented str), not by timing: a membership
test against a list of products compares SKUs once per element scanned.
"""

from shopsearch import Product, SearchIndex

N = 600


class CountingSku(str):
    comparisons = 0

    def __eq__(self, other):
        CountingSku.comparisons += 1
        return str.__eq__(self, other)

    def __ne__(self, other):
        CountingSku.comparisons += 1
        return str.__ne__(self, other)

    __hash__ = str.__hash__


def catalogue(n):
    brands = ["Acme", "Bolt", "Crest"]
    return [Product(sku=CountingSku(f"SKU-{i:05d}"), title=f"Widget model {i}",
                    brand=brands[i % 3], category="parts", price_cents=100 + i,
                    description="widget " * (i % 4)) for i in range(n)]


def test_plain_search_does_not_compare_every_pair():
    index = SearchIndex(catalogue(N))
    CountingSku.comparisons = 0
    hits = index.search("widget")
    assert len(hits) == N
    assert CountingSku.comparisons <= 20 * N, (
        f"{CountingSku.comparisons} SKU comparisons to rank {N} hits")


def test_filtered_search_does_not_compare_every_pair():
    from shopsearch.facets import Facets

    index = SearchIndex(catalogue(N))
    CountingSku.comparisons = 0
    page = index.search_page("widget", facets=Facets(brands=frozenset({"Acme"})), per_page=10)
    assert page.total == N // 3
    assert CountingSku.comparisons <= 20 * N, (
        f"{CountingSku.comparisons} SKU comparisons to rank {N} hits")
