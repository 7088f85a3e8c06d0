"""Reservations, single-threaded, as the ticket describes them (keep: checkout-holds)."""

import pytest

from inventory import InsufficientStock, InventoryService
from inventory.clock import ManualClock
from inventory.settings import HOLD_SECONDS


def _hold_not_found():
    from inventory import HoldNotFound

    return HoldNotFound


@pytest.fixture
def clock():
    return ManualClock(start=1_800_000_000.0)


@pytest.fixture
def service(clock):
    service = InventoryService(clock=clock)
    service.receive("BOWL-9", 6)
    return service


def test_a_hold_reduces_availability_but_not_stock(service):
    hold = service.reserve("ord-1", "BOWL-9", 4)
    assert hold.quantity == 4 and hold.order_id == "ord-1" and hold.sku == "BOWL-9"
    assert service.available("BOWL-9") == 2
    assert service.on_hand("BOWL-9") == 6


def test_reserving_more_than_available_is_refused(service):
    service.reserve("ord-1", "BOWL-9", 4)
    with pytest.raises(InsufficientStock) as refused:
        service.reserve("ord-2", "BOWL-9", 3)
    assert refused.value.available == 2
    assert service.available("BOWL-9") == 2


def test_reserving_again_replaces_the_orders_hold(service):
    service.reserve("ord-1", "BOWL-9", 4)
    service.reserve("ord-1", "BOWL-9", 6)
    assert service.available("BOWL-9") == 0
    service.reserve("ord-1", "BOWL-9", 1)
    assert service.available("BOWL-9") == 5


def test_holds_lapse_after_hold_seconds(service, clock):
    service.reserve("ord-1", "BOWL-9", 6)
    clock.advance(HOLD_SECONDS - 1)
    assert service.available("BOWL-9") == 0
    clock.advance(1)
    assert service.available("BOWL-9") == 6
    with pytest.raises(_hold_not_found()):
        service.confirm("ord-1", "BOWL-9")
    service.reserve("ord-2", "BOWL-9", 6)


def test_confirm_turns_the_hold_into_a_sale(service):
    service.reserve("ord-1", "BOWL-9", 2)
    assert service.confirm("ord-1", "BOWL-9") == 4
    assert service.on_hand("BOWL-9") == 4
    assert service.available("BOWL-9") == 4
    with pytest.raises(_hold_not_found()):
        service.confirm("ord-1", "BOWL-9")


def test_release_gives_units_back_and_is_idempotent(service):
    service.reserve("ord-1", "BOWL-9", 5)
    service.release("ord-1", "BOWL-9")
    service.release("ord-1", "BOWL-9")
    service.release("never-reserved", "BOWL-9")
    assert service.available("BOWL-9") == 6


def test_non_positive_quantities_are_refused(service):
    with pytest.raises(ValueError):
        service.reserve("ord-1", "BOWL-9", 0)
