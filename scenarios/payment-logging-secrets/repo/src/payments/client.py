"""The gateway client: charges and refunds over an injected transport.

``transport.send(method, url, headers, body)`` performs one HTTPS request and returns a
``Response``; production uses the urllib transport, tests a fake.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

from .cards import Card
from .errors import CardDeclined, GatewayError
from .log import log_event
from .settings import DEFAULT_CURRENCY, GATEWAY_URL

logger = logging.getLogger(__name__)


@dataclass
class Response:
    status: int
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class Transport(Protocol):
    def send(self, method: str, url: str, headers: dict[str, str], body: dict[str, Any]) -> Response: ...


@dataclass(frozen=True)
class Charge:
    id: str
    amount_cents: int
    currency: str
    card_last4: str


@dataclass(frozen=True)
class Refund:
    id: str
    charge_id: str
    amount_cents: int


class PaymentClient:
    def __init__(self, api_key: str, transport: Transport, base_url: str = GATEWAY_URL) -> None:
        if not api_key:
            raise ValueError("an API key is required")
        self._api_key = api_key
        self._transport = transport
        self._base_url = base_url.rstrip("/")

    def _request(self, method: str, path: str, body: dict[str, Any], idempotency_key: str) -> Response:
        headers = {
            "Authorization": f"Bearer {self._api_key}",
            "Idempotency-Key": idempotency_key,
            "Content-Type": "application/json",
        }
        response = self._transport.send(method, f"{self._base_url}{path}", headers, body)
        if response.status == 402:
            raise CardDeclined(response.body.get("decline_code", "unknown"))
        if response.status >= 400:
            raise GatewayError("gateway error", status=response.status)
        return response

    def charge(
        self,
        card: Card,
        amount_cents: int,
        currency: str = DEFAULT_CURRENCY,
        *,
        idempotency_key: str | None = None,
        description: str = "",
    ) -> Charge:
        """Charge ``card``; raises ``CardDeclined`` or ``GatewayError``."""
        if amount_cents <= 0:
            raise ValueError("amount_cents must be positive")
        key = idempotency_key or str(uuid.uuid4())
        body = {
            "amount": amount_cents,
            "currency": currency.lower(),
            "description": description,
            "card": {
                "number": card.number,
                "exp_month": card.exp_month,
                "exp_year": card.exp_year,
                "cvc": card.cvc,
                "name": card.holder,
            },
        }
        response = self._request("POST", "/charges", body, key)
        return Charge(response.body["id"], amount_cents, currency.upper(), card.last4)

    def refund(self, charge_id: str, amount_cents: int, *, idempotency_key: str | None = None) -> Refund:
        key = idempotency_key or str(uuid.uuid4())
        log_event(logger, "refund.requested", charge_id=charge_id, amount_cents=amount_cents)
        response = self._request("POST", "/refunds", {"charge": charge_id, "amount": amount_cents}, key)
        log_event(logger, "refund.succeeded", charge_id=charge_id, refund_id=response.body["id"])
        return Refund(response.body["id"], charge_id, amount_cents)
