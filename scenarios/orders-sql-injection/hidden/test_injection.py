"""Customer input must never become SQL (flaw: sql-injection-values)."""

import pytest

from orders import OrderRepository, connect


class RecordingConnection:
    """A sqlite3 connection that remembers the SQL text of every statement it runs."""

    def __init__(self, conn):
        self._conn = conn
        self.statements = []

    def execute(self, sql, parameters=(), /):
        self.statements.append(sql)
        return self._conn.execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters, /):
        self.statements.append(sql)
        return self._conn.executemany(sql, seq_of_parameters)

    def cursor(self, *args, **kwargs):
        outer = self
        real = self._conn.cursor(*args, **kwargs)

        class _Cursor:
            def execute(self, sql, parameters=(), /):
                outer.statements.append(sql)
                return real.execute(sql, parameters)

            def __getattr__(self, name):
                return getattr(real, name)

        return _Cursor()

    def __enter__(self):
        self._conn.__enter__()
        return self

    def __exit__(self, *exc):
        return self._conn.__exit__(*exc)

    def __getattr__(self, name):
        return getattr(self._conn, name)


@pytest.fixture
def conn():
    return RecordingConnection(connect())


@pytest.fixture
def repo(conn):
    repo = OrderRepository(conn)
    repo.add("Mina Harker", "mina@example.org", 2500, "2026-04-01T08:15:00")
    repo.add("Jonathan Harker", "jon@example.org", 990, "2026-04-02T16:40:00")
    repo.add("Lucy Westenra", "lucy@example.org", 12000, "2026-04-03T11:05:00")
    return repo


def _empty_or_refused(call):
    """A hostile value may match nothing or be refused with ValueError; it must never run as SQL."""
    try:
        return call()
    except ValueError:
        return []


def test_a_name_with_an_apostrophe_is_an_ordinary_search(repo):
    obrien = repo.add("Siobhán O'Brien", "siobhan@example.org", 450, "2026-04-04T09:00:00")
    assert repo.search(customer="O'Brien") == [obrien]
    assert repo.search(customer="n O'B") == [obrien]


@pytest.mark.parametrize(
    "payload",
    [
        "' OR 1=1 --",
        "Harker' OR customer LIKE '%",
        "%' OR 'a'='a' --",
        "zzz' UNION SELECT id, email, email, 'pending', 0, '' FROM orders --",
    ],
)
def test_always_true_payloads_in_the_name_match_nothing(repo, payload):
    assert _empty_or_refused(lambda: repo.search(customer=payload)) == []


def test_drop_table_payload_is_inert(repo):
    before = repo.count()
    result = _empty_or_refused(lambda: repo.search(customer="'; DROP TABLE orders; --"))
    assert result == []
    assert repo.count() == before


def test_date_filters_are_not_injectable(repo):
    payload = "2000-01-01' OR '1'='1"
    assert _empty_or_refused(lambda: repo.search(placed_to=payload)) == []
    assert _empty_or_refused(lambda: repo.search(customer="Harker", placed_to=payload)) == []


def test_search_values_are_bound_not_pasted(repo, conn):
    marker = "Zq'x9 marker"
    conn.statements.clear()
    assert repo.search(customer=marker, placed_from="2026-01-01", placed_to="2026-12-31") == []
    assert conn.statements, "search ran no statement through the repository's connection"
    for sql in conn.statements:
        assert marker not in sql
        assert "Zq" not in sql
        assert "2026-12-31" not in sql
