"""The ticket: GETs are retried on 503 (and other transient failures), honouring Retry-After."""

import pytest

from apiclient import ApiError, TransportError, settings

from _support import FakeTransport, client_with, error, ok


def test_get_is_retried_on_503_until_it_succeeds():
    transport = FakeTransport(error(503), error(503), ok({"id": "o-1"}))
    assert client_with(transport, [], max_attempts=3).get_order("o-1") == {"id": "o-1"}
    assert [r.method for r in transport.requests] == ["GET", "GET", "GET"]


def test_retried_requests_are_identical():
    transport = FakeTransport(error(503), ok({"orders": [{"id": "o-1"}]}))
    client_with(transport, []).list_orders(status="open")
    first, second = transport.requests
    assert first == second


def test_get_is_retried_after_a_connection_error():
    transport = FakeTransport(TransportError("reset"), ok({"id": "o-1"}))
    assert client_with(transport, []).get_order("o-1") == {"id": "o-1"}
    assert len(transport.requests) == 2


def test_retry_after_header_is_honoured():
    delays = []
    transport = FakeTransport(error(503, **{"Retry-After": "3"}), ok({"id": "o-1"}))
    client_with(transport, delays).get_order("o-1")
    assert delays == [3.0]


def test_429_is_retried_after_the_requested_delay():
    delays = []
    transport = FakeTransport(error(429, "slow down", **{"Retry-After": "1"}), ok({"id": "o-1"}))
    assert client_with(transport, delays).get_order("o-1") == {"id": "o-1"}
    assert delays == [1.0]


def test_gives_up_after_max_attempts_with_the_last_error():
    transport = FakeTransport(error(503, "still deploying"), repeat_last=True)
    with pytest.raises(ApiError) as info:
        client_with(transport, []).get_order("o-1")
    assert info.value.status == 503
    assert len(transport.requests) == settings.MAX_ATTEMPTS


def test_max_attempts_is_configurable():
    transport = FakeTransport(error(503), repeat_last=True)
    with pytest.raises(ApiError):
        client_with(transport, [], max_attempts=5).get_order("o-1")
    assert len(transport.requests) == 5
