"""Images are looked up once per backend, found again when the engine loses them, and a no-op
build asks the engine little."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from harness.backends import ImageRecipe, Limits, SandboxSpec
from harness.backends.docker import DockerBackend, client, images
from harness.errors import InfraError

pytestmark = pytest.mark.docker


@pytest.fixture
def own(base_image: str) -> Iterator[ImageRecipe]:
    """A recipe whose image tag no other test uses (these tests remove it)."""
    recipe = ImageRecipe(name=f"images-test-{uuid.uuid4().hex[:8]}")
    yield recipe
    tag = images.scenario_tag(recipe, images.base_tag())
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


def test_image_for_asks_the_engine_once_per_backend(own, calls):
    backend = DockerBackend()
    first = backend.image_for(own)
    asked = len(calls)
    again = [backend.image_for(own) for _ in range(5)]
    assert asked >= 1
    assert len(calls) == asked  # nothing more for the same recipe
    assert all(image == first for image in again)
    assert first.tag == images.scenario_tag(own, images.base_tag())
    assert first.python == "python3"  # no requirements: no venv
    assert DockerBackend().image_for(own) == first  # another backend knows nothing of it ...
    assert len(calls) > asked  # ... so it asks for itself


def test_a_missing_image_is_rebuilt_after_the_engine_says_so(own):
    backend = DockerBackend()
    image = backend.image_for(own)
    client().images.remove(image.tag)  # a prune in another process, behind our back
    with pytest.raises(InfraError, match="missing"):
        backend.sandbox(SandboxSpec(image=image.tag, limits=Limits()))
    assert backend.image_for(own).tag == image.tag  # looked up again, and re-made
    assert client().images.get(image.tag)


def test_a_no_op_build_makes_one_listing_not_one_lookup_per_tag(own, calls):
    DockerBackend().image_for(own)  # built: what follows is a no-op
    fresh = images.Images()  # what `dsim images build` uses: nothing remembered yet
    calls.clear()
    base = fresh.build_base(progress=lambda _m: None)
    for _ in range(5):
        fresh.build_scenario(own, progress=lambda _m: None, base=base)
    lookups = [c for c in calls if "/images/" in c and c.endswith("/json")]
    listings = [c for c in calls if c.endswith("/images/json")]
    pings = [c for c in calls if c.endswith("/_ping")]
    assert len(listings) <= 1
    assert lookups == listings
    assert len(pings) <= 1
