"""Units held for web orders are not sold at the counter (flaw: sell-now-ignores-holds)."""

import pytest

from inventory import InsufficientStock, InventoryService
from inventory.clock import ManualClock
from inventory.settings import HOLD_SECONDS


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def service(clock):
    service = InventoryService(clock=clock)
    service.receive("LAMP-2", 4)
    return service


def test_counter_cannot_sell_held_units(service):
    service.reserve("web-1", "LAMP-2", 3)
    assert service.sell_now("LAMP-2", 1) == 3
    with pytest.raises(InsufficientStock):
        service.sell_now("LAMP-2", 1)
    assert service.confirm("web-1", "LAMP-2") == 0


def test_released_and_expired_holds_free_units_for_the_counter(service, clock):
    service.reserve("web-1", "LAMP-2", 4)
    service.release("web-1", "LAMP-2")
    service.reserve("web-2", "LAMP-2", 4)
    with pytest.raises(InsufficientStock):
        service.sell_now("LAMP-2", 1)
    clock.advance(HOLD_SECONDS)
    assert service.sell_now("LAMP-2", 4) == 0
