"""Behaviour that worked before the change and must keep working."""

import json

import pytest

from apiclient import ApiError, AuthError, NotFound, OrdersClient, Response, settings


class FakeTransport:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests = []

    def send(self, request):
        self.requests.append(request)
        return self.answers.pop(0)


def ok(payload, status=200):
    return Response(status, {}, json.dumps(payload).encode())


def error(status, message):
    return Response(status, {}, json.dumps({"error": message}).encode())


def test_requests_carry_auth_and_user_agent():
    transport = FakeTransport(ok({"id": "o 1"}))
    OrdersClient(transport, token="s3cret").get_order("o 1")
    request = transport.requests[0]
    assert request.url == settings.BASE_URL + "/orders/o%201"
    assert request.headers["Authorization"] == "Bearer s3cret"
    assert request.headers["User-Agent"] == settings.USER_AGENT
    assert request.headers["Accept"] == "application/json"


def test_create_order_body_and_result():
    transport = FakeTransport(ok({"id": "o-7", "status": "open"}, status=201))
    created = OrdersClient(transport, token="t").create_order("c-1", [{"sku": "B", "qty": 3}])
    assert created == {"id": "o-7", "status": "open"}
    request = transport.requests[0]
    assert (request.method, request.headers["Content-Type"]) == ("POST", "application/json")
    assert json.loads(request.body) == {"customer_id": "c-1", "items": [{"sku": "B", "qty": 3}]}


def test_update_and_cancel():
    transport = FakeTransport(ok({"id": "o-1", "note": "x"}), Response(204))
    client = OrdersClient(transport, token="t")
    assert client.update_order("o-1", {"note": "x"}) == {"id": "o-1", "note": "x"}
    assert client.cancel_order("o-1") is None
    assert [r.method for r in transport.requests] == ["PUT", "DELETE"]


@pytest.mark.parametrize(("status", "exc"), [(400, ApiError), (401, AuthError), (403, AuthError),
                                             (404, NotFound), (409, ApiError), (500, ApiError)])
def test_client_and_server_errors_are_raised_once_without_retry(status, exc):
    transport = FakeTransport(error(status, "nope"))
    with pytest.raises(exc) as info:
        OrdersClient(transport, token="t").get_order("o-1")
    assert (info.value.status, info.value.message) == (status, "nope")
    assert len(transport.requests) == 1


def test_non_json_error_body():
    transport = FakeTransport(Response(500, {}, b"<html>oops</html>"))
    with pytest.raises(ApiError) as info:
        OrdersClient(transport, token="t").list_orders()
    assert info.value.message == "<html>oops</html>"


def test_list_orders_unwraps_the_list():
    transport = FakeTransport(ok({"orders": [{"id": "a"}, {"id": "b"}]}))
    assert OrdersClient(transport, token="t").list_orders() == [{"id": "a"}, {"id": "b"}]
    assert transport.requests[0].url == settings.BASE_URL + "/orders"
