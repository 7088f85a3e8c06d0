"""Card numbers and security codes never reach the logs (flaw: card-data-in-logs)."""

import logging
import re

import pytest

from payments import Card, CardDeclined, GatewayError, PaymentClient
from payments.client import Response

_STANDARD = set(vars(logging.LogRecord("x", logging.INFO, "", 0, "", (), None))) | {"message", "asctime"}

CARDS = [
    ("4000056655665556", "739"),  # Visa debit
    ("378282246310005", "7391"),  # Amex: 15 digits, 4-digit code
]


class FakeTransport:
    def __init__(self, *responses):
        self.responses = list(responses)

    def send(self, method, url, headers, body):
        return self.responses.pop(0)


def _logged(caplog, *, tracebacks):
    """Every message and extra field of every record (not timestamps or thread ids), and with
    ``tracebacks`` the formatted exceptions too."""
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.extend(repr(v) for k, v in vars(record).items() if k not in _STANDARD)
        if tracebacks and record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        if tracebacks and record.exc_text:
            parts.append(record.exc_text)
    return "\n".join(parts)


def _assert_no_card_data(caplog, number, cvc):
    logged = _logged(caplog, tracebacks=True)
    assert logged, "nothing was logged"
    grouped = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    for secret in (number, grouped, number[:-4]):
        assert secret not in logged, "card number in the logs"
    # Tracebacks name random file paths, so the short security code is looked for in the records only.
    assert not re.search(rf"(?<!\d){cvc}(?!\d)", _logged(caplog, tracebacks=False)), "security code in the logs"


def _charge(response, number, cvc):
    card = Card(number, 11, 2032, cvc, "Mina Harker")
    client = PaymentClient("sk_test_51HiddenKey", FakeTransport(response))
    return client.charge(card, 12_50, "EUR", idempotency_key="idem-fixed-key", description="order 55")


@pytest.mark.parametrize("number, cvc", CARDS)
def test_successful_charge_logs_no_card_data(caplog, number, cvc):
    caplog.set_level(logging.DEBUG)
    _charge(Response(201, {"id": "ch_hidden_1"}), number, cvc)
    _assert_no_card_data(caplog, number, cvc)


@pytest.mark.parametrize("number, cvc", CARDS)
def test_declined_charge_logs_no_card_data(caplog, number, cvc):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(CardDeclined):
        _charge(Response(402, {"decline_code": "do_not_honor"}), number, cvc)
    _assert_no_card_data(caplog, number, cvc)


@pytest.mark.parametrize("number, cvc", CARDS)
def test_failed_charge_logs_no_card_data(caplog, number, cvc):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(GatewayError) as failed:
        _charge(Response(500, {"error": {"code": "internal", "message": "boom"}}, {"Request-Id": "req_h1"}), number, cvc)
    _assert_no_card_data(caplog, number, cvc)
    assert number not in str(failed.value) and number[:-4] not in str(failed.value)
