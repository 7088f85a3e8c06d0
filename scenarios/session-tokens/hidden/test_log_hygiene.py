"""Tokens must never reach the logs (flaw: token-in-logs)."""

import logging

import pytest

from sessionstore import SessionStore, TokenSigner
from sessionstore.clock import ManualClock

SECRET = b"log-hygiene-secret-".ljust(32, b"%")


@pytest.fixture
def store():
    return SessionStore(TokenSigner(SECRET), ManualClock())


def _logged(caplog):
    return "\n".join(record.getMessage() for record in caplog.records)


def test_refresh_does_not_log_tokens_or_signatures(store, caplog):
    caplog.set_level(logging.DEBUG)
    token = store.issue("erin")
    new_token = store.refresh(token)
    logged = _logged(caplog)
    for t in (token, new_token):
        assert t not in logged
        assert t.split(".")[1] not in logged
    assert SECRET.decode() not in logged
