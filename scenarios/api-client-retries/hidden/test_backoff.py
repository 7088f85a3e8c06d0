"""Retries back off exponentially (BACKOFF_BASE, doubling, capped at BACKOFF_MAX)."""

from apiclient import TransportError, settings

from _support import FakeTransport, client_with, error, ok


def _expected(retries):
    return [min(settings.BACKOFF_MAX, settings.BACKOFF_BASE * 2 ** n) for n in range(retries)]


def test_backoff_between_503_retries():
    delays = []
    transport = FakeTransport(error(503), error(503), ok({"id": "o-1"}))
    assert client_with(transport, delays, max_attempts=3).get_order("o-1") == {"id": "o-1"}
    assert delays == _expected(2)


def test_backoff_after_connection_errors():
    delays = []
    transport = FakeTransport(TransportError("refused"), TransportError("timed out"),
                              ok({"id": "o-1"}))
    assert client_with(transport, delays, max_attempts=3).get_order("o-1") == {"id": "o-1"}
    assert delays == _expected(2)


def test_backoff_is_capped():
    delays = []
    transport = FakeTransport(*[error(502)] * 7, ok({"orders": []}))
    assert client_with(transport, delays, max_attempts=8).list_orders() == []
    assert delays == _expected(7)
    assert max(delays) == settings.BACKOFF_MAX
