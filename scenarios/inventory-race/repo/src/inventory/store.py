"""Storage for stock levels and holds.

Mirrors the ``stock`` and ``holds`` tables of the warehouse database. Each method is atomic on its
own (it takes the store's lock), but two calls in a row are not: a caller that reads, decides and
then writes must hold its own lock around the whole sequence (see ``InventoryService``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .errors import UnknownSku


@dataclass(frozen=True)
class Hold:
    """Units set aside for an order that has not been paid yet."""

    order_id: str
    sku: str
    quantity: int
    expires_at: float


class StockStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._on_hand: dict[str, int] = {}
        self._holds: dict[tuple[str, str], Hold] = {}

    # stock

    def skus(self) -> list[str]:
        with self._lock:
            return sorted(self._on_hand)

    def on_hand(self, sku: str) -> int:
        with self._lock:
            try:
                return self._on_hand[sku]
            except KeyError:
                raise UnknownSku(sku) from None

    def add_stock(self, sku: str, quantity: int) -> int:
        with self._lock:
            self._on_hand[sku] = self._on_hand.get(sku, 0) + quantity
            return self._on_hand[sku]

    def remove_stock(self, sku: str, quantity: int) -> int:
        with self._lock:
            if sku not in self._on_hand:
                raise UnknownSku(sku)
            self._on_hand[sku] -= quantity
            return self._on_hand[sku]

    def set_stock(self, sku: str, quantity: int) -> None:
        with self._lock:
            self._on_hand[sku] = quantity

    # holds

    def add_hold(self, hold: Hold) -> None:
        with self._lock:
            self._holds[(hold.order_id, hold.sku)] = hold

    def get_hold(self, order_id: str, sku: str) -> Hold | None:
        with self._lock:
            return self._holds.get((order_id, sku))

    def pop_hold(self, order_id: str, sku: str) -> Hold | None:
        """Remove and return the hold, or ``None`` if there is none (atomic)."""
        with self._lock:
            return self._holds.pop((order_id, sku), None)

    def holds_for(self, sku: str) -> list[Hold]:
        with self._lock:
            return [h for h in self._holds.values() if h.sku == sku]
