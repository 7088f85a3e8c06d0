"""When every attempt fails, the caller gets an exception, never a silent None."""

import json

import pytest

from apiclient import ApiError, OrdersClient, Response, TransportError, settings


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
