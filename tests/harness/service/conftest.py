"""The ``server`` fixture: a dsim server in-process over a fresh store (see servicekit)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from servicekit import Server, make_server  # type: ignore[import-not-found]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    made = make_server(tmp_path)
    yield made
    made.store.close()
