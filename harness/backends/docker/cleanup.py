"""Removing what runs leave behind: live containers on an interrupt, labelled ones of dead
processes.

A sandbox removes its own container in ``finally``. Two cases are not covered by that, and this
module covers them:

- An interrupt (Ctrl-C, or SIGTERM turned into KeyboardInterrupt by ``harness.cli``) unwinds only
  the main thread; a sandbox in a worker thread keeps running. :class:`LiveContainers` knows every
  container its runtime made and has not removed, so the code that catches the interrupt removes
  them all with :meth:`LiveContainers.remove_all` (through ``Backend.remove_live``). The registry is
  an object owned by the runtime, not a module global: whoever handles the interrupt holds the
  backend it graded with, so it can reach the registry, and two runtimes never remove each
  other's containers. Its lock is re-entrant, so even a signal handler that interrupts the main
  thread inside the registry and calls :meth:`~LiveContainers.remove_all` cannot deadlock.
  A container removed that way is remembered as *aborted*: the command cut off by the removal is
  then an infrastructure failure, never the run's own ending.
- A process killed outright (SIGKILL, a crash) leaves containers nobody tracks; they carry the
  ``dsim`` label, and :func:`remove_labelled` (``dsim cleanup``) removes them with the stale
  bind-mount folders. A queue worker's containers also carry ``dsim.worker=<host>:<pid>``
  (:data:`WORKER_LABEL`), so a worker starting on a host removes exactly those of this host's
  workers that are dead (:func:`remove_dead_workers`) while other workers keep grading.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.backends.docker.copyin import HOST_DIR_PREFIX, CopyIn, remove_folder
from harness.backends.docker.engine import api_errors

LABEL = "dsim"
"""Every container and image dsim makes carries this label."""
WORKER_LABEL = "dsim.worker"
"""``<host>:<pid>`` of the queue worker that made a container."""


class LiveContainers:
    """Containers one runtime made and has not removed yet, with their bind-mounted folders."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._ids: set[str] = set()
        self._folders: dict[str, Path] = {}
        self._aborted: set[str] = set()

    def add(self, container_id: str, folder: Path | None = None) -> None:
        with self._lock:
            self._ids.add(container_id)
            if folder is not None:
                self._folders[container_id] = folder

    def discard(self, container_id: str) -> None:
        """The container was removed by its sandbox: forget everything about it."""
        with self._lock:
            self._ids.discard(container_id)
            self._aborted.discard(container_id)
            self._folders.pop(container_id, None)

    def ids(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._ids)

    def aborted(self, container_id: str) -> bool:
        """Was the container taken away by :meth:`remove_all` from under a running command?"""
        with self._lock:
            return container_id in self._aborted

    def folders(self) -> set[Path]:
        """The private outer folders of live containers' bind mounts (never stale)."""
        with self._lock:
            return {folder.parent for folder in self._folders.values()}

    def remove_all(self, client: Callable[[], Any]) -> int:
        """Force-remove every live container and its folder; return how many there were.
        ``client`` is called only when there is something to remove. Errors removing one
        container never stop the others.

        Raises:
            InfraError: ``client`` could not reach the engine (nothing was removed).
        """
        with self._lock:
            ids = list(self._ids)
            # Marked before the kill: a command cut off by it must not look like its own ending.
            self._aborted.update(ids)
        if not ids:
            return 0
        api = client().api
        for container_id in ids:
            try:
                api.remove_container(container_id, force=True, v=True)
            except api_errors():
                pass
        with self._lock:
            self._ids.difference_update(ids)
            folders = [self._folders.pop(cid) for cid in ids if cid in self._folders]
        for folder in folders:
            remove_folder(folder)
        return len(ids)


def remove_labelled(cli: Any, copy_in: CopyIn, live: LiveContainers) -> int:
    """Remove every container carrying the dsim label (leftovers of killed processes) except
    ``live``'s own, and the bind-mount folders none of ``live``'s containers uses; return how
    many containers were found to remove."""
    mine = live.ids()
    containers = [
        c for c in cli.containers.list(all=True, filters={"label": LABEL}) if c.id not in mine
    ]
    for container in containers:
        try:
            container.remove(force=True, v=True)
        except api_errors():
            pass
    copy_in.remove_stale(live.folders())
    return len(containers)


def pid_alive(pid: int) -> bool:
    """Whether a process with ``pid`` exists on this host (one we may not signal counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_dead_workers(cli: Any, host: str, alive: Callable[[int], bool] = pid_alive) -> int:
    """Remove the containers (and their bind-mount folders) of queue workers on ``host`` whose
    process is gone; return how many. Workers still running, other hosts' workers and
    containers without :data:`WORKER_LABEL` are never touched."""
    removed = 0
    for row in cli.api.containers(all=True, filters={"label": WORKER_LABEL}):
        owner = (row.get("Labels") or {}).get(WORKER_LABEL, "")
        where, _, pid = owner.rpartition(":")
        if where != host or not pid.isdigit() or alive(int(pid)):
            continue
        try:
            cli.api.remove_container(row["Id"], force=True, v=True)
        except api_errors():
            continue
        removed += 1
        for mount in row.get("Mounts") or []:
            source = Path(mount.get("Source") or "")
            if mount.get("Type") == "bind" and source.parent.name.startswith(HOST_DIR_PREFIX):
                remove_folder(source)  # CopyIn.new_folder's <private>/root
    return removed
