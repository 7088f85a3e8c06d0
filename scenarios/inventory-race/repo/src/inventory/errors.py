"""Errors raised by the inventory service."""

from __future__ import annotations


class InventoryError(Exception):
    """Base class for inventory failures."""


class UnknownSku(InventoryError, KeyError):
    """No stock record exists for the SKU."""


class InsufficientStock(InventoryError):
    """Fewer units are available than requested."""

    def __init__(self, sku: str, requested: int, available: int) -> None:
        super().__init__(f"{sku}: requested {requested}, only {available} available")
        self.sku = sku
        self.requested = requested
        self.available = available
