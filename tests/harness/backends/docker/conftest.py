"""Fixtures the Docker backend tests share: the backend, a label per test that must leave no
container behind, and both ways of putting files into a container (configured on the backend's
runtime, never by patching a module)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from harness.backends import get_backend
from harness.backends.docker import CopyIn, DockerBackend, client


@pytest.fixture
def backend(base_image: str) -> DockerBackend:
    made = get_backend("docker")
    assert isinstance(made, DockerBackend)
    return made


@pytest.fixture
def label() -> Iterator[str]:
    """A ``dsim.test`` label value; every container carrying it must be gone when the test ends."""
    value = uuid.uuid4().hex
    yield value
    left = client().api.containers(all=True, filters={"label": f"dsim.test={value}"})
    assert left == [], "a container was left behind"


@pytest.fixture(params=["bind", "archive"])
def copy_mode(
    request: pytest.FixtureRequest, backend: DockerBackend, monkeypatch: pytest.MonkeyPatch
) -> str:
    """Run the test once with each way of putting files in, on ``backend``."""
    if request.param == "archive":
        backend.runtime.copy_in = CopyIn(bind=False)
    else:
        monkeypatch.delenv("DSIM_DOCKER_COPY", raising=False)
        backend.runtime.copy_in = CopyIn()  # decided on first use: this machine runs the engine
    return str(request.param)
