import pytest

from payments import Card, CardDeclined, GatewayError, PaymentClient
from payments.client import Response


class FakeTransport:
    def __init__(self, *responses):
        self.responses = list(responses)
        self.requests = []

    def send(self, method, url, headers, body):
        self.requests.append((method, url, headers, body))
        return self.responses.pop(0)


CARD = Card("4242424242424242", 12, 2030, "123", "Ada Lovelace")


def test_charge_sends_the_card_and_returns_the_charge():
    transport = FakeTransport(Response(201, {"id": "ch_1"}))
    charge = PaymentClient("sk_test_abc", transport).charge(CARD, 1999, "EUR", idempotency_key="k1")
    assert charge.id == "ch_1" and charge.card_last4 == "4242" and charge.currency == "EUR"
    method, url, headers, body = transport.requests[0]
    assert (method, url.rsplit("/", 1)[1]) == ("POST", "charges")
    assert headers["Authorization"] == "Bearer sk_test_abc"
    assert headers["Idempotency-Key"] == "k1"
    assert body["amount"] == 1999 and body["card"]["number"] == "4242424242424242"


def test_declines_and_gateway_errors():
    client = PaymentClient("sk_test_abc", FakeTransport(Response(402, {"decline_code": "insufficient_funds"}), Response(503)))
    with pytest.raises(CardDeclined) as declined:
        client.charge(CARD, 500)
    assert declined.value.code == "insufficient_funds"
    with pytest.raises(GatewayError) as failed:
        client.charge(CARD, 500)
    assert failed.value.status == 503


def test_refund_is_logged_without_card_data(caplog):
    caplog.set_level("DEBUG")
    client = PaymentClient("sk_test_abc", FakeTransport(Response(201, {"id": "re_1"})))
    assert client.refund("ch_1", 500).id == "re_1"
    assert [r.event for r in caplog.records] == ["refund.requested", "refund.succeeded"]
    assert "sk_test_abc" not in caplog.text


def test_amounts_must_be_positive():
    with pytest.raises(ValueError):
        PaymentClient("sk_test_abc", FakeTransport()).charge(CARD, 0)
