"""A retried POST must not create a second order: POSTs are retried only with an Idempotency-Key."""

import json

import pytest

from apiclient import ApiError, OrdersClient, Response, TransportError


class FakeTransport:
    """Answers with the queued responses (or raises the queued exceptions), in order."""

    def __init__(self, *answers, repeat_last=False):
        self.answers = list(answers)
        self.repeat_last = repeat_last
        self.requests = []

    def send(self, request):
        self.requests.append(request)
        if self.repeat_last and len(self.answers) == 1:
            answer = self.answers[0]
        else:
            answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def ok(payload, status=200):
    return Response(status, {"Content-Type": "application/json"}, json.dumps(payload).encode())


def error(status, message="unavailable", **headers):
    return Response(status, dict(headers), json.dumps({"error": message}).encode())


def client_with(transport, delays, **kwargs):
    return OrdersClient(transport, token="t0k", sleep=delays.append, **kwargs)


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
