"""Search filters, as they arrive in the query string (``/search?q=mug&sort=price``).

``SearchFilters`` itself is a plain value; ``from_query_params`` is the gate that checks untrusted
input. Everything downstream (``catalog.search``) relies on filters having passed through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ALLOWED_SORTS = ("relevance", "price", "-price", "newest")
MAX_PAGE_SIZE = 96
MAX_QUERY_LENGTH = 200


class InvalidFilters(ValueError):
    """The query string does not describe a valid search."""


@dataclass(frozen=True)
class SearchFilters:
    query: str = ""
    category: str | None = None
    price_min: int | None = None
    """In cents."""
    price_max: int | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 24

    @classmethod
    def from_query_params(cls, params: Mapping[str, str]) -> "SearchFilters":
        """Validate untrusted query parameters; raises ``InvalidFilters``."""
        query = str(params.get("q", "")).strip()
        if len(query) > MAX_QUERY_LENGTH:
            raise InvalidFilters("query too long")
        sort = params.get("sort", "relevance")
        if sort not in ALLOWED_SORTS:
            raise InvalidFilters(f"cannot sort by {sort!r}")
        price_min = _cents(params.get("min"))
        price_max = _cents(params.get("max"))
        if price_min is not None and price_max is not None and price_min > price_max:
            raise InvalidFilters("min price above max price")
        page = _int(params.get("page", "1"), "page")
        page_size = _int(params.get("per_page", "24"), "per_page")
        if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
            raise InvalidFilters("page out of range")
        category = params.get("cat") or None
        if category is not None and not category.replace("-", "").isalnum():
            raise InvalidFilters("bad category")
        return cls(query, category, price_min, price_max, sort, page, page_size)

    def to_query_params(self) -> dict[str, str]:
        """The query string for these filters (defaults left out), e.g. for pagination links."""
        params = {"q": self.query} if self.query else {}
        if self.category:
            params["cat"] = self.category
        if self.price_min is not None:
            params["min"] = str(self.price_min)
        if self.price_max is not None:
            params["max"] = str(self.price_max)
        if self.sort != "relevance":
            params["sort"] = self.sort
        if self.page != 1:
            params["page"] = str(self.page)
        if self.page_size != 24:
            params["per_page"] = str(self.page_size)
        return params


def _int(value: object, name: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise InvalidFilters(f"{name} must be a whole number") from None


def _cents(value: object) -> int | None:
    if value in (None, ""):
        return None
    cents = _int(value, "price")
    if cents < 0:
        raise InvalidFilters("prices cannot be negative")
    return cents
