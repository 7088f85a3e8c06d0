"""Behaviour that worked before expiry and refresh were added."""

import logging

import pytest

from sessionstore import BadSignature, SessionNotFound, SessionStore, TokenSigner
from sessionstore.clock import ManualClock
from sessionstore.cookies import session_cookie, token_from_cookie_header
from sessionstore.settings import COOKIE_NAME

SECRET = b"regression-secret-".ljust(32, b"*")


@pytest.fixture
def store():
    return SessionStore(TokenSigner(SECRET), ManualClock())


def test_issue_and_resolve(store):
    token = store.issue("frank")
    assert store.resolve(token).user_id == "frank"


def test_forged_token_is_rejected(store):
    token = store.issue("frank")
    body, sig = token.split(".")
    with pytest.raises(BadSignature):
        store.resolve(body + "." + sig[::-1])


def test_logout_ends_the_session(store):
    token = store.issue("frank")
    store.revoke(token)
    with pytest.raises(SessionNotFound):
        store.resolve(token)


def test_issuing_does_not_log_the_token(store, caplog):
    caplog.set_level(logging.DEBUG)
    token = store.issue("frank")
    assert token not in caplog.text


def test_cookie_round_trip_uses_the_configured_name():
    header = session_cookie("abc.def")
    assert header.startswith(COOKIE_NAME + "=abc.def")
    assert token_from_cookie_header(f"{COOKIE_NAME}=abc.def") == "abc.def"
