import pytest

from sessionstore import SessionNotFound, SessionStore, TokenError, TokenSigner
from sessionstore.clock import ManualClock


@pytest.fixture
def store():
    return SessionStore(TokenSigner(b"s" * 32), ManualClock())


def test_issued_token_resolves_to_its_session(store):
    token = store.issue("alice")
    session = store.resolve(token)
    assert session.user_id == "alice"
    assert session.created_at == 1_700_000_000.0


def test_sessions_are_distinct(store):
    a, b = store.issue("alice"), store.issue("alice")
    assert store.resolve(a).session_id != store.resolve(b).session_id
    assert len(store) == 2


def test_revoked_session_no_longer_resolves(store):
    token = store.issue("bob")
    store.revoke(token)
    with pytest.raises(SessionNotFound):
        store.resolve(token)
    store.revoke(token)  # idempotent


def test_token_from_another_store_is_rejected(store):
    other = SessionStore(TokenSigner(b"o" * 32), ManualClock())
    with pytest.raises(TokenError):
        store.resolve(other.issue("mallory"))
