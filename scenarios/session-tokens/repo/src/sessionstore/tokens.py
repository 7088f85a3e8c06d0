"""Signed tokens: ``base64url(json payload) + "." + base64url(HMAC-SHA256(payload))``.

The payload is readable by anyone who has the token; the signature only proves we issued it.
Never put secrets in a payload.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any


class TokenError(Exception):
    """A token that must not be accepted."""


class MalformedToken(TokenError):
    """Not a token we could have issued."""


class BadSignature(TokenError):
    """The signature does not match the payload."""


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    """Signs and verifies token payloads with one secret key."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the signing secret must be at least 32 bytes")
        self._secret = secret

    def _signature(self, body: str) -> str:
        digest = hmac.new(self._secret, body.encode("ascii"), hashlib.sha256).digest()
        return _b64encode(digest)

    def sign(self, payload: dict[str, Any]) -> str:
        """A token carrying ``payload``, which must be JSON-serialisable."""
        body = _b64encode(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
        return f"{body}.{self._signature(body)}"

    def verify(self, token: str) -> dict[str, Any]:
        """The payload of ``token``; raises a ``TokenError`` if it was not signed by us."""
        body, dot, sig = token.partition(".")
        if not dot or not body or not sig:
            raise MalformedToken("expected <payload>.<signature>")
        try:
            body.encode("ascii")
        except UnicodeEncodeError:
            raise MalformedToken("token is not ASCII") from None
        if not hmac.compare_digest(sig.encode("ascii", "replace"), self._signature(body).encode()):
            raise BadSignature("signature does not match")
        try:
            payload = json.loads(_b64decode(body))
        except (binascii.Error, ValueError):
            raise MalformedToken("payload is not base64url JSON") from None
        if not isinstance(payload, dict):
            raise MalformedToken("payload is not an object")
        return payload
