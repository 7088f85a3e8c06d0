"""Stock levels for the warehouse and the web shop."""

from .errors import InsufficientStock, InventoryError, UnknownSku
from .service import InventoryService
from .store import Hold, StockStore

__all__ = ["Hold", "InsufficientStock", "InventoryError", "InventoryService", "StockStore", "UnknownSku"]
