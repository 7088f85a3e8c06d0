"""A retried POST must not create a second order: POSTs are retried only with an Idempotency-Key."""

import pytest

from apiclient import ApiError, TransportError

from _support import FakeTransport, client_with, error, ok


def _assert_order_created_at_most_once(transport):
    posts = [r for r in transport.requests if r.method == "POST"]
    assert posts, "create_order sent nothing"
    if len(posts) > 1:
        keys = {r.headers.get("Idempotency-Key") for r in posts}
        assert None not in keys and "" not in keys, "POST retried without an Idempotency-Key"
        assert len(keys) == 1, "each retry of one call must reuse the same Idempotency-Key"


def test_post_after_connection_reset_is_not_duplicated():
    transport = FakeTransport(TransportError("connection reset by peer"),
                              ok({"id": "o-9"}, status=201))
    try:
        client_with(transport, []).create_order("c-1", [{"sku": "A", "qty": 1}])
    except ApiError:
        pass
    _assert_order_created_at_most_once(transport)


def test_post_after_503_is_not_duplicated():
    transport = FakeTransport(error(503), error(503), ok({"id": "o-9"}, status=201))
    try:
        client_with(transport, []).create_order("c-1", [{"sku": "A", "qty": 1}])
    except ApiError:
        pass
    _assert_order_created_at_most_once(transport)


def test_separate_create_calls_are_separate_orders():
    transport = FakeTransport(TransportError("reset"), ok({"id": "o-1"}, status=201),
                              TransportError("reset"), ok({"id": "o-2"}, status=201))
    client = client_with(transport, [])
    for _ in range(2):
        try:
            client.create_order("c-1", [])
        except ApiError:
            pass
    keys = [r.headers.get("Idempotency-Key") for r in transport.requests if r.method == "POST"]
    if len(keys) > 2:
        assert len(set(keys)) == 2, "two create_order calls must not share an Idempotency-Key"
    else:
        assert all(key is None for key in keys) or len(set(keys)) == 2
