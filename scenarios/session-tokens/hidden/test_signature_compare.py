"""Signatures must be compared in constant time (flaw: timing-unsafe-compare)."""

import hmac
import secrets
import sys

import pytest

from sessionstore import BadSignature, SessionStore, TokenSigner
from sessionstore.clock import ManualClock

SECRET = b"constant-time-".ljust(32, b"#")


@pytest.fixture
def digest_calls(monkeypatch):
    """Record every call to hmac.compare_digest, however the package imported it."""
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    monkeypatch.setattr(secrets, "compare_digest", spy)
    for name, module in list(sys.modules.items()):
        if module is not None and (name == "sessionstore" or name.startswith("sessionstore.")):
            for attr, value in list(vars(module).items()):
                if value is real:
                    monkeypatch.setattr(module, attr, spy)
    return calls


def _forge(token):
    body, sig = token.split(".")
    return body + "." + ("A" if sig[0] != "A" else "B") + sig[1:]


def test_forged_signature_is_rejected_by_a_constant_time_comparison(digest_calls):
    signer = TokenSigner(SECRET)
    forged = _forge(signer.sign({"uid": "u1"}))
    with pytest.raises(BadSignature):
        signer.verify(forged)
    assert digest_calls, "signature compared without hmac.compare_digest"


def test_store_verifies_tokens_with_a_constant_time_comparison(digest_calls):
    store = SessionStore(TokenSigner(SECRET), ManualClock())
    token = store.issue("dave")
    digest_calls.clear()
    assert store.resolve(token).user_id == "dave"
    assert digest_calls, "signature compared without hmac.compare_digest"
