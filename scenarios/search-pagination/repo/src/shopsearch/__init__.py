"""shopsearch: an in-memory full-text search over the product catalogue."""

from shopsearch.catalog import CatalogError, Product, parse_products
from shopsearch.index import Hit, SearchIndex
from shopsearch.text import tokenize

__all__ = ["CatalogError", "Hit", "Product", "SearchIndex", "parse_products", "tokenize"]
