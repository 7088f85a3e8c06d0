"""Shared fixtures: scenarios built from dicts of files, a throwaway store, backends.

Docker tests carry the ``docker`` marker. Under CI=true a missing engine fails them loudly;
elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.scenarios import patches
from harness.scenarios.scaffold import scaffold
from harness.scenarios.scenario import Scenario, load
from harness.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'dsim.db'}")


@pytest.fixture
def demo(tmp_path: Path) -> Scenario:
    """The scaffolded demo scenario: one flaw, one keep, one regression test."""
    return load(scaffold("greet-demo", tmp_path / "greet-demo"))


def write_files(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def make_diff(old: dict[str, str], new: dict[str, str]) -> str:
    return patches.make(
        {k: v.encode() for k, v in old.items()}, {k: v.encode() for k, v in new.items()}
    )


def _docker_available() -> str | None:
    try:
        from harness.backends.docker import client

        client()
        return None
    except Exception as exc:  # noqa: BLE001
        return str(exc)


@pytest.fixture(scope="session")
def docker_ready() -> Iterator[None]:
    problem = _docker_available()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and Docker is not available: {problem}")
        pytest.skip(f"Docker not available: {problem}")
    yield


@pytest.fixture(scope="session")
def base_image(docker_ready: None) -> str:
    from harness.backends.docker import images

    return images.build_base(progress=lambda _m: None).tag
