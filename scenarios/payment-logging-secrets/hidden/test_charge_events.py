"""The charge events and informative gateway errors the ticket asked for (keep: charge-events)."""

import logging

import pytest

from payments import Card, CardDeclined, GatewayError, PaymentClient
from payments.client import Response

CARD = Card("5555555555554444", 3, 2030, "321", "Lucy Westenra")


class FakeTransport:
    def __init__(self, *responses):
        self.responses = list(responses)

    def send(self, method, url, headers, body):
        return self.responses.pop(0)


def _events(caplog):
    return {r.event: r for r in caplog.records if hasattr(r, "event")}


def _charge(*responses):
    client = PaymentClient("sk_test_events", FakeTransport(*responses))
    return client.charge(CARD, 4_200, "EUR", idempotency_key="order-77")


def test_successful_charge_events(caplog):
    caplog.set_level(logging.DEBUG)
    charge = _charge(Response(201, {"id": "ch_77"}))
    events = _events(caplog)
    assert "charge.attempt" in events and "charge.succeeded" in events
    for name in ("charge.attempt", "charge.succeeded"):
        fields = events[name].fields
        assert fields["amount_cents"] == 4_200
        assert fields["currency"] == "EUR"
        assert fields["idempotency_key"] == "order-77"
        assert fields["card_last4"] == "4444"
    assert events["charge.succeeded"].fields["charge_id"] == "ch_77"
    assert charge.id == "ch_77"


def test_decline_event_has_the_decline_code(caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(CardDeclined):
        _charge(Response(402, {"decline_code": "insufficient_funds"}))
    event = _events(caplog)["charge.declined"]
    assert event.fields["decline_code"] == "insufficient_funds"
    assert event.fields["card_last4"] == "4444"
    assert event.levelno >= logging.INFO


def test_failure_event_and_error_are_informative(caplog):
    caplog.set_level(logging.DEBUG)
    response = Response(503, {"error": {"code": "upstream_timeout", "message": "Issuer timed out"}}, {"Request-Id": "req_9f3"})
    with pytest.raises(GatewayError) as failed:
        _charge(response)
    error = failed.value
    assert error.status == 503
    assert error.code == "upstream_timeout"
    assert error.request_id == "req_9f3"
    for text in ("503", "upstream_timeout", "req_9f3"):
        assert text in str(error)
    event = _events(caplog)["charge.failed"]
    assert event.levelno >= logging.WARNING
    assert event.fields["status"] == 503
    assert event.fields["request_id"] == "req_9f3"
    assert event.fields["idempotency_key"] == "order-77"
