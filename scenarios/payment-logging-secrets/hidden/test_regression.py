"""Behaviour that worked before the logging change."""

import logging

import pytest

from payments import Card, CardDeclined, GatewayError, InvalidCard, PaymentClient
from payments.client import Response


class FakeTransport:
    def __init__(self, *responses):
        self.responses = list(responses)
        self.requests = []

    def send(self, method, url, headers, body):
        self.requests.append((method, url, headers, body))
        return self.responses.pop(0)


CARD = Card("4242-4242-4242-4242", 6, 2033, "456")


def test_charge_request_carries_card_key_and_idempotency():
    transport = FakeTransport(Response(201, {"id": "ch_r"}))
    charge = PaymentClient("sk_test_reg", transport).charge(CARD, 999, "usd", idempotency_key="r-1")
    _, url, headers, body = transport.requests[0]
    assert url.endswith("/charges")
    assert headers["Authorization"] == "Bearer sk_test_reg"
    assert headers["Idempotency-Key"] == "r-1"
    assert body["card"]["number"] == "4242424242424242" and body["card"]["cvc"] == "456"
    assert body["currency"] == "usd"
    assert (charge.id, charge.currency, charge.card_last4) == ("ch_r", "USD", "4242")


def test_declines_and_errors_are_raised():
    client = PaymentClient("sk_test_reg", FakeTransport(Response(402, {"decline_code": "lost_card"}), Response(500)))
    with pytest.raises(CardDeclined) as declined:
        client.charge(CARD, 100)
    assert declined.value.code == "lost_card"
    with pytest.raises(GatewayError) as failed:
        client.charge(CARD, 100)
    assert failed.value.status == 500


def test_refund_events(caplog):
    caplog.set_level(logging.DEBUG)
    refund = PaymentClient("sk_test_reg", FakeTransport(Response(201, {"id": "re_r"}))).refund("ch_r", 100)
    assert refund.id == "re_r"
    assert [r.event for r in caplog.records if hasattr(r, "event")] == ["refund.requested", "refund.succeeded"]


def test_card_validation_and_masking():
    assert CARD.masked() == "**** 4242"
    with pytest.raises(InvalidCard):
        Card("4242424242424241", 6, 2033, "456")
