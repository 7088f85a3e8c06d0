import json

import pytest

from apiclient import ApiError, AuthError, NotFound, OrdersClient, Response


class FakeTransport:
    """Answers with the queued responses, in order, and records every request."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.requests = []

    def send(self, request):
        self.requests.append(request)
        return self.responses.pop(0)


def ok(payload, status=200):
    return Response(status, {"Content-Type": "application/json"}, json.dumps(payload).encode())


def error(status, message):
    return Response(status, {}, json.dumps({"error": message}).encode())


def test_get_order():
    transport = FakeTransport(ok({"id": "o-1", "total": 12}))
    client = OrdersClient(transport, token="t0k", base_url="https://api.test/v2")
    assert client.get_order("o-1") == {"id": "o-1", "total": 12}
    request = transport.requests[0]
    assert (request.method, request.url) == ("GET", "https://api.test/v2/orders/o-1")
    assert request.headers["Authorization"] == "Bearer t0k"


def test_list_orders_with_status():
    transport = FakeTransport(ok({"orders": [{"id": "o-1"}]}))
    client = OrdersClient(transport, token="t", base_url="https://api.test/v2")
    assert client.list_orders(status="open") == [{"id": "o-1"}]
    assert transport.requests[0].url == "https://api.test/v2/orders?status=open"


def test_create_order_posts_json():
    transport = FakeTransport(ok({"id": "o-9"}, status=201))
    client = OrdersClient(transport, token="t")
    assert client.create_order("c-1", [{"sku": "A", "qty": 2}]) == {"id": "o-9"}
    request = transport.requests[0]
    assert request.method == "POST"
    assert json.loads(request.body) == {"customer_id": "c-1", "items": [{"sku": "A", "qty": 2}]}


def test_cancel_order():
    transport = FakeTransport(Response(204))
    assert OrdersClient(transport, token="t").cancel_order("o-1") is None


@pytest.mark.parametrize(("status", "exc"), [(404, NotFound), (401, AuthError), (403, AuthError),
                                             (400, ApiError), (500, ApiError)])
def test_errors_are_mapped(status, exc):
    client = OrdersClient(FakeTransport(error(status, "nope")), token="t")
    with pytest.raises(exc) as info:
        client.get_order("o-1")
    assert info.value.status == status
    assert info.value.message == "nope"
