"""Behaviour that worked before checkout holds were added."""

import pytest

from inventory import InsufficientStock, InventoryService, UnknownSku


@pytest.fixture
def service():
    service = InventoryService()
    service.receive("VASE-4", 3)
    return service


def test_receive_and_on_hand(service):
    assert service.receive("VASE-4", 2) == 5
    assert service.on_hand("VASE-4") == 5


def test_counter_sale_without_holds(service):
    assert service.sell_now("VASE-4", 3) == 0
    with pytest.raises(InsufficientStock):
        service.sell_now("VASE-4", 1)


def test_stock_count(service):
    assert service.count("VASE-4", 5) == 2
    assert service.on_hand("VASE-4") == 5


def test_unknown_sku(service):
    with pytest.raises(UnknownSku):
        service.sell_now("NOPE", 1)
