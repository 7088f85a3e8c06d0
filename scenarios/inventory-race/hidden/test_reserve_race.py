"""Two checkouts racing for the same units (flaw: reserve-check-then-act).

The race is forced, not hoped for: the store makes every thread wait at a barrier right before it
writes a hold, so two threads that have both passed the availability check meet there and both
write. Code that checks and holds under one lock never lets the second thread reach its check while
the first waits; the barrier then times out and the first goes on alone. Either way the outcome is
decided by the code, not by the scheduler.
"""

import threading

import pytest

from inventory import InsufficientStock, InventoryService, StockStore
from inventory.clock import ManualClock

GATE_TIMEOUT = 2.0


class GatedStore(StockStore):
    def __init__(self, parties):
        super().__init__()
        self.gate = threading.Barrier(parties)

    def add_hold(self, hold):
        try:
            self.gate.wait(timeout=GATE_TIMEOUT)
        except threading.BrokenBarrierError:
            pass
        super().add_hold(hold)


def _race(service, requests):
    """Run every (order_id, quantity) reservation of MUG-7 on its own thread; outcome per order."""
    outcomes = {}
    errors = []

    def checkout(order_id, quantity):
        try:
            service.reserve(order_id, "MUG-7", quantity)
            outcomes[order_id] = "held"
        except InsufficientStock:
            outcomes[order_id] = "refused"
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=checkout, args=r) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a reservation never finished (deadlock?)"
    assert not errors, errors
    return outcomes


@pytest.mark.parametrize("stock, quantity", [(1, 1), (5, 3)])
def test_racing_checkouts_never_oversell(stock, quantity):
    service = InventoryService(GatedStore(parties=2), ManualClock())
    service.receive("MUG-7", stock)
    outcomes = _race(service, [("order-a", quantity), ("order-b", quantity)])
    assert sorted(outcomes.values()) == ["held", "refused"]
    assert service.available("MUG-7") == stock - quantity
    assert service.available("MUG-7") >= 0


def test_three_checkouts_for_two_units():
    service = InventoryService(GatedStore(parties=3), ManualClock())
    service.receive("MUG-7", 2)
    outcomes = _race(service, [("order-a", 1), ("order-b", 1), ("order-c", 1)])
    assert sorted(outcomes.values()) == ["held", "held", "refused"]
    assert service.available("MUG-7") == 0
