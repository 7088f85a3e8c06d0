"""A payment webhook delivered twice at once (flaw: confirm-double-sale).

The store makes every thread wait at a barrier right before it takes stock off the shelf, so two
confirmations that both found the hold meet there and would both sell it. Code that claims the hold
atomically (or under a lock) lets only one through; the barrier then times out and it goes on alone.
"""

import threading

from inventory import HoldNotFound, InventoryService, StockStore
from inventory.clock import ManualClock

GATE_TIMEOUT = 2.0


class GatedStore(StockStore):
    def __init__(self):
        super().__init__()
        self.gate = threading.Barrier(2)

    def remove_stock(self, sku, quantity):
        try:
            self.gate.wait(timeout=GATE_TIMEOUT)
        except threading.BrokenBarrierError:
            pass
        return super().remove_stock(sku, quantity)


def test_a_hold_is_sold_once_however_often_it_is_confirmed():
    service = InventoryService(GatedStore(), ManualClock())
    service.receive("CAP-3", 5)
    service.reserve("order-a", "CAP-3", 2)
    outcomes = []
    errors = []

    def webhook():
        try:
            service.confirm("order-a", "CAP-3")
            outcomes.append("sold")
        except HoldNotFound:
            outcomes.append("already confirmed")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=webhook) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a confirmation never finished (deadlock?)"
    assert not errors, errors
    assert sorted(outcomes) == ["already confirmed", "sold"]
    assert service.on_hand("CAP-3") == 3
    assert service.available("CAP-3") == 3
