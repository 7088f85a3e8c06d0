"""What one docker backend knows and holds, in one object handed to each of its sandboxes.

A :class:`DockerRuntime` replaces what used to be module globals: the client and its ping, which
way files go in, whether cgroups are visible from here, the uids live runs hold, the containers
still live (for an interrupt) and the images already found. Invariant: nothing here is shared
between two runtimes, so two backends in one process (or two tests) never see each other's
state; a test configures a runtime (``DockerRuntime(copy_in=CopyIn(bind=False))``) instead of
patching a module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.backends.docker.cleanup import LiveContainers
from harness.backends.docker.copyin import CopyIn
from harness.backends.docker.engine import Engine
from harness.backends.docker.images import Images
from harness.backends.docker.oom import OomCounters
from harness.backends.docker.uids import UidAllocator


class DockerRuntime:
    """One engine connection and the state of the sandboxes made through it."""

    def __init__(
        self,
        *,
        engine: Engine | None = None,
        copy_in: CopyIn | None = None,
        oom: OomCounters | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.engine = engine or Engine()
        self.copy_in = copy_in or CopyIn()
        """Bind mount or archive, and where bind-mounted folders are made."""
        self.oom = oom or OomCounters()
        """Where OOM-kill counters are read from (the host's cgroups or inside)."""
        self.uids = UidAllocator()
        """Uids held by live runs: one per run, never two live runs on one."""
        self.live = LiveContainers()
        """Containers made and not yet removed: what an interrupt must remove."""
        self.images = Images(self.engine)
        """Images found or built, looked up once per runtime."""
        self.labels: dict[str, str] = dict(labels or {})
        """Put on every container this runtime makes (a queue worker's ``dsim.worker``)."""

    def client(self) -> Any:
        """The engine's client (see :meth:`Engine.client`; raises InfraError)."""
        return self.engine.client()
