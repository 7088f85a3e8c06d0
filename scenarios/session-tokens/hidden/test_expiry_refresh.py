"""Token expiry and refresh, as the ticket asks (keep: expiry-refresh)."""

import pytest

from sessionstore import SessionStore, TokenError, TokenSigner
from sessionstore.clock import ManualClock
from sessionstore.cookies import session_cookie
from sessionstore.settings import SESSION_TTL_SECONDS


def _expired_error():
    from sessionstore.tokens import TokenExpired

    return TokenExpired


@pytest.fixture
def clock():
    return ManualClock(start=1_750_000_000)


@pytest.fixture
def store(clock):
    return SessionStore(TokenSigner(b"hidden-secret-".ljust(32, b"!")), clock)


def test_token_is_valid_until_its_ttl_runs_out(store, clock):
    token = store.issue("carol")
    clock.advance(SESSION_TTL_SECONDS - 0.5)
    assert store.resolve(token).user_id == "carol"
    clock.advance(0.5)
    with pytest.raises(_expired_error()):
        store.resolve(token)


def test_refreshed_token_outlives_the_original(store, clock):
    token = store.issue("carol")
    session_id = store.resolve(token).session_id
    clock.advance(SESSION_TTL_SECONDS // 2)
    new_token = store.refresh(token)
    assert new_token != token
    clock.advance(SESSION_TTL_SECONDS - 1)
    assert store.resolve(new_token).session_id == session_id


def test_refresh_rotates_the_token(store):
    token = store.issue("carol")
    store.refresh(token)
    with pytest.raises(TokenError):
        store.resolve(token)
    with pytest.raises(TokenError):
        store.refresh(token)


def test_expired_token_cannot_be_refreshed(store, clock):
    token = store.issue("carol")
    clock.advance(SESSION_TTL_SECONDS + 1)
    with pytest.raises(_expired_error()):
        store.refresh(token)


def test_revoked_session_cannot_be_refreshed(store):
    token = store.issue("carol")
    store.revoke(token)
    with pytest.raises(TokenError):
        store.refresh(token)


def test_cookie_lives_as_long_as_the_token():
    assert f"Max-Age={SESSION_TTL_SECONDS}" in session_cookie("abc.def").split("; ")
