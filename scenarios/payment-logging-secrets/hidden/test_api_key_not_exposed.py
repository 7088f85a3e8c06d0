"""The API key never appears in exception text or logs (flaw: api-key-in-errors)."""

import logging
import traceback

import pytest

from payments import Card, GatewayError, PaymentClient
from payments.client import Response

API_KEY = "sk_live_51Qz8HiddenKeyValue7Rm2XwTu"
SECRET_PART = API_KEY[8:-4]  # a masked form such as sk_live_…XwTu is fine
CARD = Card("4242424242424242", 12, 2031, "123")
_STANDARD = set(vars(logging.LogRecord("x", logging.INFO, "", 0, "", (), None))) | {"message", "asctime"}


class FakeTransport:
    def __init__(self, *responses):
        self.responses = list(responses)

    def send(self, method, url, headers, body):
        return self.responses.pop(0)


def _error_text(exc):
    parts = [str(exc), repr(exc), repr(exc.args), "".join(traceback.format_exception(exc))]
    parts.extend(repr(v) for v in vars(exc).values())
    return "\n".join(parts)


def _logged(caplog):
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.extend(repr(v) for k, v in vars(record).items() if k not in _STANDARD)
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


FAILURES = [
    Response(401, {"error": {"code": "invalid_api_key", "message": "No such key"}}, {"Request-Id": "req_a"}),
    Response(429, {"error": {"code": "rate_limited", "message": "Slow down"}}, {"Request-Id": "req_b"}),
    Response(503, {}, {}),
]


@pytest.mark.parametrize("response", FAILURES, ids=["401", "429", "503"])
def test_charge_errors_do_not_carry_the_api_key(caplog, response):
    caplog.set_level(logging.DEBUG)
    client = PaymentClient(API_KEY, FakeTransport(response))
    with pytest.raises(GatewayError) as failed:
        client.charge(CARD, 700, "EUR", idempotency_key="idem-1")
    assert SECRET_PART not in _error_text(failed.value)
    assert SECRET_PART not in _logged(caplog)


def test_refund_errors_do_not_carry_the_api_key(caplog):
    caplog.set_level(logging.DEBUG)
    client = PaymentClient(API_KEY, FakeTransport(FAILURES[0]))
    with pytest.raises(GatewayError) as failed:
        client.refund("ch_1", 700, idempotency_key="idem-2")
    assert SECRET_PART not in _error_text(failed.value)
    assert SECRET_PART not in _logged(caplog)
