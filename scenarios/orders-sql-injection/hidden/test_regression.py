"""Behaviour that worked before the search was added."""

import pytest

from orders import OrderNotFound, OrderRepository, OrderStatus, connect


@pytest.fixture
def repo():
    return OrderRepository(connect())


def test_add_and_get(repo):
    order = repo.add("Quincey Morris", "quincey@example.org", 700, "2026-04-05T10:00:00")
    assert repo.get(order.id).customer == "Quincey Morris"
    assert order.status is OrderStatus.PENDING


def test_orders_for_a_customer_with_an_apostrophe(repo):
    order = repo.add("Dara O'Neill", "dara@example.org", 700, "2026-04-05T10:00:00")
    assert repo.for_customer("Dara O'Neill") == [order]


def test_recent_newest_first(repo):
    a = repo.add("A", "a@example.org", 1, "2026-04-01T00:00:00")
    b = repo.add("B", "b@example.org", 1, "2026-04-02T00:00:00")
    assert [o.id for o in repo.recent()] == [b.id, a.id]


def test_status_update_and_missing_orders(repo):
    order = repo.add("Quincey Morris", "quincey@example.org", 700, "2026-04-05T10:00:00")
    assert repo.set_status(order.id, "cancelled").status is OrderStatus.CANCELLED
    with pytest.raises(OrderNotFound):
        repo.get(9999)
