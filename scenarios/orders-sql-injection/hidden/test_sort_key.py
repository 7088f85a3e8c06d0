"""Only the documented sort keys may reach ORDER BY (flaw: unchecked-sort-key)."""

import pytest

from orders import OrderRepository, connect


@pytest.fixture
def repo():
    repo = OrderRepository(connect())
    repo.add("Mina Harker", "mina@example.org", 2500, "2026-04-01T08:15:00")
    repo.add("Lucy Westenra", "lucy@example.org", 12000, "2026-04-03T11:05:00")
    return repo


@pytest.mark.parametrize(
    "sort",
    [
        "id; DROP TABLE orders",
        "(SELECT email FROM orders WHERE id = 1)",
        "CASE WHEN substr((SELECT email FROM orders LIMIT 1), 1, 1) = 'm' THEN total_cents END",
        "email",
    ],
)
def test_unknown_sort_keys_are_refused(repo, sort):
    with pytest.raises(ValueError):
        repo.search(sort=sort)
    assert repo.count() == 2
