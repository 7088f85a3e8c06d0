"""Scenario images are looked up once per process, and found again when the engine loses them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.backends import images
from harness.scenarios.scaffold import scaffold
from harness.scenarios.scenario import Scenario, load

pytestmark = pytest.mark.docker


@pytest.fixture
def own(tmp_path: Path, base_image: str) -> Iterator[Scenario]:
    """A scenario whose image tag no other test uses (these tests remove it)."""
    from harness.backends.docker import client

    sid = f"images-test-{uuid.uuid4().hex[:8]}"
    scenario = load(scaffold(sid, tmp_path / sid))
    yield scenario
    tag = images.scenario_tag(scenario, images.base_tag())
    if client().images.list(name=tag):
        client().images.remove(tag)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Engine requests made from now on (method and path)."""
    import requests

    seen: list[str] = []
    real = requests.Session.send

    def send(self, request, **kwargs):
        seen.append(f"{request.method} {request.path_url.split('?')[0]}")
        return real(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", send)
    return seen


def test_ensure_asks_the_engine_once_per_process(own, calls):
    images.clear_cache()
    first = images.ensure(own)
    asked = len(calls)
    again = [images.ensure(own) for _ in range(5)]
    assert asked >= 1
    assert len(calls) == asked  # nothing more for the same scenario content
    assert all(ref == first for ref in again)


def test_a_missing_image_is_rebuilt_after_the_engine_says_so(own):
    from harness.backends import Limits, SandboxSpec, get_backend
    from harness.backends.docker import client
    from harness.errors import InfraError

    images.clear_cache()
    ref = images.ensure(own)
    client().images.remove(ref.tag)  # a prune in another process, behind our back
    with pytest.raises(InfraError, match="missing"):
        get_backend("docker").sandbox(SandboxSpec(image=ref.tag, limits=Limits()))
    assert images.ensure(own).tag == ref.tag  # looked up again, and re-made
    assert client().images.get(ref.tag)


def test_a_no_op_build_makes_one_listing_not_one_lookup_per_tag(own, calls):
    images.ensure(own)  # built: what follows is a no-op
    images.clear_cache()
    calls.clear()
    base = images.build_base(progress=lambda _m: None)
    for _ in range(5):
        images.build_scenario(own, progress=lambda _m: None, base=base)
    lookups = [c for c in calls if "/images/" in c and c.endswith("/json")]
    listings = [c for c in calls if c.endswith("/images/json")]
    pings = [c for c in calls if c.endswith("/_ping")]
    assert len(listings) <= 1
    assert lookups == listings
    assert len(pings) <= 1
