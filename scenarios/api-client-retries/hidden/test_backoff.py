"""Retries back off exponentially (BACKOFF_BASE, doubling, capped at BACKOFF_MAX)."""

import json

from apiclient import OrdersClient, Response, TransportError, settings


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
