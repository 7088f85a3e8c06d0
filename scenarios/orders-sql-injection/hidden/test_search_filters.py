"""The search the ticket asked for (keep: search-filters)."""

import pytest

from orders import OrderRepository, OrderStatus, connect
from orders.settings import MAX_RESULTS


@pytest.fixture
def repo():
    repo = OrderRepository(connect())
    repo.add("Mina Harker", "mina@example.org", 2500, "2026-04-01T08:15:00")
    repo.add("Jonathan Harker", "jon@example.org", 990, "2026-04-02T16:40:00")
    repo.add("Lucy Westenra", "lucy@example.org", 12000, "2026-04-03T11:05:00")
    repo.add("Arthur Holmwood", "arthur@example.org", 2500, "2026-04-03T23:59:00")
    return repo


def _names(orders):
    return [o.customer for o in orders]


def test_no_filters_lists_everything_oldest_first(repo):
    assert _names(repo.search()) == ["Mina Harker", "Jonathan Harker", "Lucy Westenra", "Arthur Holmwood"]


def test_customer_is_a_case_insensitive_substring(repo):
    assert _names(repo.search(customer="harker")) == ["Mina Harker", "Jonathan Harker"]
    assert _names(repo.search(customer="WEST")) == ["Lucy Westenra"]


def test_status_filter(repo):
    repo.set_status(3, OrderStatus.SHIPPED)
    assert _names(repo.search(status=OrderStatus.SHIPPED)) == ["Lucy Westenra"]
    assert _names(repo.search(status="shipped")) == ["Lucy Westenra"]
    assert len(repo.search(status="pending")) == 3


def test_minimum_total_is_inclusive(repo):
    assert _names(repo.search(min_total_cents=2500)) == ["Mina Harker", "Lucy Westenra", "Arthur Holmwood"]


def test_date_range_covers_whole_days(repo):
    assert _names(repo.search(placed_from="2026-04-02", placed_to="2026-04-03")) == [
        "Jonathan Harker",
        "Lucy Westenra",
        "Arthur Holmwood",
    ]
    assert _names(repo.search(placed_to="2026-04-01")) == ["Mina Harker"]


def test_filters_combine_with_and(repo):
    repo.set_status(1, OrderStatus.PAID)
    repo.set_status(2, OrderStatus.PAID)
    assert _names(repo.search(customer="harker", status="paid", min_total_cents=1000)) == ["Mina Harker"]


def test_sorting_with_stable_ties(repo):
    by_total = repo.search(sort="total_cents", descending=True)
    assert [o.total_cents for o in by_total] == [12000, 2500, 2500, 990]
    assert [o.id for o in by_total][1:3] == [4, 1]
    assert _names(repo.search(sort="customer")) == [
        "Arthur Holmwood",
        "Jonathan Harker",
        "Lucy Westenra",
        "Mina Harker",
    ]


def test_limit_is_capped(repo):
    assert len(repo.search(limit=2)) == 2
    for i in range(MAX_RESULTS + 5):
        repo.add(f"Bulk {i}", "bulk@example.org", 100, "2026-05-01T00:00:00")
    assert len(repo.search(limit=MAX_RESULTS + 50)) == MAX_RESULTS
    assert len(repo.search()) == MAX_RESULTS
