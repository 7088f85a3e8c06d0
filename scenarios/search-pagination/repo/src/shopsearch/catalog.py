"""Products, and reading them from the catalogue feed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class CatalogError(ValueError):
    """A feed record that cannot become a product."""


@dataclass(frozen=True)
class Product:
    sku: str
    title: str
    brand: str
    category: str
    price_cents: int
    description: str = ""
    tags: tuple[str, ...] = ()


def _text(record: Mapping[str, Any], key: str, *, required: bool = True) -> str:
    value = record.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise CatalogError(f"record {record.get('sku', '?')!r}: {key!r} must be a non-empty string")
    return value.strip()


def parse_products(records: Iterable[Mapping[str, Any]]) -> list[Product]:
    """Products from feed records; a duplicate SKU or a bad field is a CatalogError."""
    products: list[Product] = []
    seen: set[str] = set()
    for record in records:
        sku = _text(record, "sku")
        if sku in seen:
            raise CatalogError(f"duplicate sku {sku!r}")
        seen.add(sku)
        price = record.get("price_cents")
        if isinstance(price, bool) or not isinstance(price, int) or price < 0:
            raise CatalogError(f"record {sku!r}: 'price_cents' must be a non-negative integer")
        tags = record.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise CatalogError(f"record {sku!r}: 'tags' must be a list of strings")
        products.append(Product(
            sku=sku,
            title=_text(record, "title"),
            brand=_text(record, "brand"),
            category=_text(record, "category"),
            price_cents=price,
            description=_text(record, "description", required=False),
            tags=tuple(t.strip() for t in tags if t.strip()),
        ))
    return products
