import pytest

from orders import OrderNotFound, OrderRepository, OrderStatus, connect


@pytest.fixture
def repo():
    return OrderRepository(connect())


def test_added_order_is_pending(repo):
    order = repo.add("Ada Lovelace", "ada@example.com", 1999, "2026-03-01T09:30:00")
    assert order.status is OrderStatus.PENDING
    assert repo.get(order.id) == order


def test_negative_totals_are_refused(repo):
    with pytest.raises(ValueError):
        repo.add("Ada Lovelace", "ada@example.com", -1, "2026-03-01T09:30:00")


def test_orders_for_a_customer_oldest_first(repo):
    late = repo.add("Ada Lovelace", "ada@example.com", 500, "2026-03-02T10:00:00")
    early = repo.add("Ada Lovelace", "ada@example.com", 700, "2026-03-01T10:00:00")
    repo.add("Grace Hopper", "grace@example.com", 900, "2026-03-01T11:00:00")
    assert [o.id for o in repo.for_customer("Ada Lovelace")] == [early.id, late.id]


def test_status_changes_are_stored(repo):
    order = repo.add("Ada Lovelace", "ada@example.com", 500, "2026-03-02T10:00:00")
    assert repo.set_status(order.id, OrderStatus.PAID).status is OrderStatus.PAID


def test_unknown_order(repo):
    with pytest.raises(OrderNotFound):
        repo.get(404)
    with pytest.raises(OrderNotFound):
        repo.set_status(404, OrderStatus.SHIPPED)


def test_recent_orders_newest_first_and_limited(repo):
    first = repo.add("Ada Lovelace", "ada@example.com", 500, "2026-03-01T10:00:00")
    second = repo.add("Grace Hopper", "grace@example.com", 900, "2026-03-02T11:00:00")
    third = repo.add("Alan Turing", "alan@example.com", 100, "2026-03-03T08:00:00")
    assert [o.id for o in repo.recent()] == [third.id, second.id, first.id]
    assert [o.id for o in repo.recent(limit=2)] == [third.id, second.id]
