"""The inventory service: receiving, counting and selling stock.

Called concurrently: the web shop, the point-of-sale terminals and the warehouse scanners share one
service object, each request on its own thread. Every operation that reads stock and then changes it
does both under ``self._lock``.
"""

from __future__ import annotations

import logging
import threading

from .clock import Clock, SystemClock
from .errors import InsufficientStock
from .settings import LOW_STOCK_THRESHOLD
from .store import StockStore

logger = logging.getLogger(__name__)


class InventoryService:
    def __init__(self, store: StockStore | None = None, clock: Clock | None = None) -> None:
        self._store = store if store is not None else StockStore()
        self._clock = clock or SystemClock()
        self._lock = threading.RLock()

    def receive(self, sku: str, quantity: int) -> int:
        """Book a delivery into stock; returns the new on-hand count."""
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        with self._lock:
            on_hand = self._store.add_stock(sku, quantity)
        logger.info("received %d x %s (on hand %d)", quantity, sku, on_hand)
        return on_hand

    def on_hand(self, sku: str) -> int:
        return self._store.on_hand(sku)

    def sell_now(self, sku: str, quantity: int) -> int:
        """A point-of-sale sale: take ``quantity`` units at once; returns what is left."""
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        with self._lock:
            on_hand = self._store.on_hand(sku)
            if quantity > on_hand:
                raise InsufficientStock(sku, quantity, on_hand)
            left = self._store.remove_stock(sku, quantity)
        if left <= LOW_STOCK_THRESHOLD:
            logger.warning("low stock: %s has %d left", sku, left)
        return left

    def count(self, sku: str, counted: int) -> int:
        """Apply a stock count from the warehouse; returns the correction (counted - expected)."""
        if counted < 0:
            raise ValueError("a count cannot be negative")
        with self._lock:
            expected = self._store.on_hand(sku)
            self._store.set_stock(sku, counted)
        if counted != expected:
            logger.warning("stock count for %s: expected %d, counted %d", sku, expected, counted)
        return counted - expected
