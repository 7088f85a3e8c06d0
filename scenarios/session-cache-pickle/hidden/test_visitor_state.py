"""Remembering the last search and recently viewed products (keep: visitor-state)."""

import pytest

from shopfront import SearchFilters
from shopfront.settings import MAX_RECENT, STATE_COOKIE, STATE_MAX_AGE
from shopfront.state import VisitorState, dump_state, load_state, restore_state, state_cookie

STATES = [
    VisitorState(),
    VisitorState(SearchFilters(query="blue mug"), ["MUG-1"]),
    VisitorState(SearchFilters("linen", "home", 1000, 4000, "-price", 3, 48), ["TBL-2", "MUG-1", "CAP-9"]),
]


@pytest.mark.parametrize("state", STATES, ids=["empty", "query", "everything"])
def test_state_round_trips_through_the_cookie_value(state):
    assert load_state(dump_state(state)) == state


def test_set_cookie_header_and_restore():
    state = STATES[2]
    header = state_cookie(state)
    name_value, *attributes = [part.strip() for part in header.split(";")]
    name, value = name_value.split("=", 1)
    assert name == STATE_COOKIE
    assert "Path=/" in attributes and f"Max-Age={STATE_MAX_AGE}" in attributes
    assert "Secure" in attributes and "HttpOnly" not in attributes
    assert restore_state(f"theme=dark; {STATE_COOKIE}={value}; lang=en") == state


@pytest.mark.parametrize(
    "value",
    [None, "", "theme=dark", "{name}=", "{name}=%%%", "{name}=AAAA"],
    ids=["no-header", "empty-header", "other-cookie", "blank", "junk", "short"],
)
def test_missing_or_damaged_cookie_gives_a_fresh_state(value):
    header = value.format(name=STATE_COOKIE) if value is not None else None
    assert restore_state(header) == VisitorState()


def test_viewed_moves_to_front_and_caps_the_list():
    state = VisitorState()
    for sku in ["A-1", "B-2", "A-1"]:
        state.viewed(sku)
    assert state.recent == ["A-1", "B-2"]
    for i in range(MAX_RECENT + 3):
        state.viewed(f"P-{i}")
    assert len(state.recent) == MAX_RECENT
    assert state.recent[0] == f"P-{MAX_RECENT + 2}"
    restored = load_state(dump_state(state))
    assert restored is not None and restored.recent == state.recent
