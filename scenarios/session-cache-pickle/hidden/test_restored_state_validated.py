"""What comes back from the browser is checked like any other input (flaw: unvalidated-restore).

Forged cookies are written both as the assistant's pickle format and as the ticket's JSON format,
so the test holds whichever format an implementation reads.
"""

import base64
import json
import pickle
import re
import zlib

import pytest

from shopfront import SearchFilters
from shopfront.filters import ALLOWED_SORTS, MAX_PAGE_SIZE
from shopfront.settings import MAX_RECENT, STATE_COOKIE
from shopfront.state import VisitorState, load_state, restore_state

SKU = re.compile(r"[A-Za-z0-9-]+")


def _pickle_cookie(filters, recent):
    """A forged state in the assistant's pickle format, or None if this VisitorState cannot be forged."""
    try:
        state = object.__new__(VisitorState)
        state.__dict__.update(filters=filters, recent=recent)
        return base64.urlsafe_b64encode(zlib.compress(pickle.dumps(state))).decode("ascii")
    except Exception:
        return None


def _json_cookie(params, recent):
    doc = {"v": 1, "filters": params, "recent": recent}
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode("ascii").rstrip("=")


FORGED_FILTERS = [
    (SearchFilters(sort="cost_cents"), {"sort": "cost_cents"}),
    (SearchFilters(page_size=1_000_000), {"per_page": "1000000"}),
    (SearchFilters(page=0), {"page": "0"}),
    (SearchFilters(price_min=-500), {"min": "-500"}),
    (SearchFilters(query="x" * 5000), {"q": "x" * 5000}),
]


def _assert_safe(state):
    if state is None:
        return
    f = state.filters
    assert f.sort in ALLOWED_SORTS
    assert f.page >= 1 and 1 <= f.page_size <= MAX_PAGE_SIZE
    assert f.price_min is None or (isinstance(f.price_min, int) and f.price_min >= 0)
    assert len(f.query) <= 200
    assert len(state.recent) <= MAX_RECENT
    assert all(isinstance(s, str) and SKU.fullmatch(s) for s in state.recent)


@pytest.mark.parametrize("forged, params", FORGED_FILTERS, ids=["sort", "page-size", "page", "price", "query"])
def test_forged_filters_never_come_back(forged, params):
    for value in filter(None, (_pickle_cookie(forged, ["MUG-1"]), _json_cookie(params, ["MUG-1"]))):
        _assert_safe(load_state(value))
        _assert_safe(restore_state(f"{STATE_COOKIE}={value}"))


def test_forged_recently_viewed_list_is_bounded_and_clean():
    recent = [f"SKU-{i}" for i in range(5000)] + ["<script>alert(1)</script>", 42]
    for value in filter(None, (_pickle_cookie(SearchFilters(), recent), _json_cookie({}, recent))):
        _assert_safe(load_state(value))
