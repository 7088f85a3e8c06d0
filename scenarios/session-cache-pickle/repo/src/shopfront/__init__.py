"""The shop's storefront: catalogue search and the bits of HTTP around it."""

from .catalog import Product, search
from .filters import SearchFilters

__all__ = ["Product", "SearchFilters", "search"]
