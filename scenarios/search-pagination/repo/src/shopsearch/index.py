"""The inverted index and its ranking.

A query matches a product when every query token appears in at least one of its fields. The score
sums, for each query token, the field weights of the fields it appears in (times how often) times
the token's inverse document frequency, so rare words count more than common ones. Ties are broken
by SKU so results are stable between runs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from shopsearch.catalog import Product
from shopsearch.settings import FIELD_WEIGHTS
from shopsearch.text import tokenize


@dataclass(frozen=True)
class Hit:
    product: Product
    score: float


def _fields(product: Product) -> dict[str, str]:
    return {
        "title": product.title,
        "brand": product.brand,
        "tags": " ".join(product.tags),
        "description": product.description,
    }


class SearchIndex:
    """Products indexed for search; build once, query many times."""

    def __init__(self, products: Iterable[Product]) -> None:
        self._products: list[Product] = list(products)
        self._by_sku: dict[str, Product] = {p.sku: p for p in self._products}
        if len(self._by_sku) != len(self._products):
            raise ValueError("duplicate sku in the catalogue")
        self._postings: dict[str, dict[str, float]] = defaultdict(dict)
        for product in self._products:
            for field, text in _fields(product).items():
                for token in tokenize(text):
                    weights = self._postings[token]
                    weights[product.sku] = weights.get(product.sku, 0.0) + FIELD_WEIGHTS[field]

    def __len__(self) -> int:
        return len(self._products)

    def idf(self, token: str) -> float:
        """Inverse document frequency: rarer tokens weigh more."""
        return math.log(1 + len(self._products) / (1 + len(self._postings.get(token, ()))))

    def _scores(self, tokens: list[str]) -> dict[str, float]:
        """Score of every product that contains all ``tokens``."""
        unique = list(dict.fromkeys(tokens))
        postings = [self._postings.get(t, {}) for t in unique]
        if not postings or not all(postings):
            return {}
        rarest = min(postings, key=len)
        scores = {}
        for sku in rarest:
            if all(sku in p for p in postings):
                scores[sku] = sum(p[sku] * self.idf(t) for t, p in zip(unique, postings))
        return scores

    def search(self, query: str, limit: int | None = None) -> list[Hit]:
        """Matching products, best first (ties by SKU); at most ``limit`` of them."""
        tokens = tokenize(query)
        if not tokens:
            return []
        hits = [Hit(self._by_sku[sku], score) for sku, score in self._scores(tokens).items()]
        hits.sort(key=lambda h: (-h.score, h.product.sku))
        return hits if limit is None else hits[:limit]
