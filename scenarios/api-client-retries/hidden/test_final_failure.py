"""When every attempt fails, the caller gets an exception, never a silent None."""

import pytest

from apiclient import ApiError, TransportError, settings

from _support import FakeTransport, client_with, error


def test_persistent_connection_failure_raises():
    transport = FakeTransport(TransportError("connection refused"), repeat_last=True)
    with pytest.raises(TransportError):
        client_with(transport, []).get_order("o-1")
    assert len(transport.requests) == settings.MAX_ATTEMPTS


def test_persistent_connection_failure_on_list_raises_an_api_error():
    transport = FakeTransport(TransportError("timed out"), repeat_last=True)
    with pytest.raises(ApiError):
        client_with(transport, []).list_orders(status="open")


def test_connection_failure_after_a_503_raises():
    answers = [error(503)] * (settings.MAX_ATTEMPTS - 1) + [TransportError("reset")]
    transport = FakeTransport(*answers)
    with pytest.raises(ApiError):
        client_with(transport, []).cancel_order("o-1")
