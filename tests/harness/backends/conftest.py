"""Fixtures the Docker backend tests share: the backend, a label per test that must leave no
container behind, and both ways of putting files into a container."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from harness.backends import docker as docker_backend
from harness.backends import get_backend
from harness.backends.docker import DockerBackend, client


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
def copy_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once with each way of putting files in."""
    if request.param == "archive":
        monkeypatch.setattr(docker_backend, "_BIND", False)
    else:
        monkeypatch.setattr(docker_backend, "_BIND", None)
        monkeypatch.delenv("DSIM_DOCKER_COPY", raising=False)
    return str(request.param)
