"""Products and catalogue search."""

from __future__ import annotations

from dataclasses import dataclass

from .filters import SearchFilters


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: str
    price_cents: int
    cost_cents: int
    """What we pay the supplier. Internal: never shown, never a sort key."""
    added: str
    """ISO date the product went on sale."""
    popularity: int = 0


_SORT_KEYS = {
    "relevance": lambda p: (-p.popularity, p.sku),
    "price": lambda p: (p.price_cents, p.sku),
    "-price": lambda p: (-p.price_cents, p.sku),
    "newest": lambda p: (p.added, p.sku),
}


def search(products: list[Product], filters: SearchFilters) -> list[Product]:
    """One page of the products matching ``filters`` (already validated)."""
    words = filters.query.lower().split()
    hits = [
        p
        for p in products
        if all(w in p.name.lower() for w in words)
        and (filters.category is None or p.category == filters.category)
        and (filters.price_min is None or p.price_cents >= filters.price_min)
        and (filters.price_max is None or p.price_cents <= filters.price_max)
    ]
    hits.sort(key=_SORT_KEYS[filters.sort])
    if filters.sort == "newest":
        hits.reverse()
    start = (filters.page - 1) * filters.page_size
    return hits[start : start + filters.page_size]
