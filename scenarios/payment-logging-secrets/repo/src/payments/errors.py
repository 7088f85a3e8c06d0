"""Errors raised by the payment client."""

from __future__ import annotations


class PaymentError(Exception):
    """Base class for every payment failure."""


class CardDeclined(PaymentError):
    """The issuer refused the charge; ``code`` is the gateway's decline code."""

    def __init__(self, code: str) -> None:
        super().__init__(f"card declined ({code})")
        self.code = code


class GatewayError(PaymentError):
    """The gateway could not process the request (outage, bad credentials, bad request)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
