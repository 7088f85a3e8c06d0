import pytest

from inventory import InsufficientStock, InventoryService, UnknownSku


@pytest.fixture
def service():
    service = InventoryService()
    service.receive("MUG-01", 10)
    return service


def test_receive_adds_to_stock(service):
    assert service.receive("MUG-01", 5) == 15
    assert service.on_hand("MUG-01") == 15


def test_receive_refuses_non_positive_quantities(service):
    with pytest.raises(ValueError):
        service.receive("MUG-01", 0)


def test_sell_now_takes_stock(service):
    assert service.sell_now("MUG-01", 4) == 6
    with pytest.raises(InsufficientStock) as refused:
        service.sell_now("MUG-01", 7)
    assert refused.value.available == 6
    assert service.on_hand("MUG-01") == 6


def test_count_corrects_stock(service):
    assert service.count("MUG-01", 8) == -2
    assert service.on_hand("MUG-01") == 8


def test_unknown_sku(service):
    with pytest.raises(UnknownSku):
        service.on_hand("NOPE")
    with pytest.raises(UnknownSku):
        service.sell_now("NOPE", 1)
