"""Helpers shared by this scenario's hidden tests (a helper module, not a test module).

Every hidden test imports it as ``from _support import ...``: at grading time it is copied in with
the hidden suites, and their folder is first on ``sys.path``. It never enters a workspace.
"""

import json

from apiclient import OrdersClient, Response


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
    """A client on ``transport`` that records its back-off delays in ``delays``."""
    return OrdersClient(transport, token="t0k", sleep=delays.append, **kwargs)
