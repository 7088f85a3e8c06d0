"""Telling a memory kill from other endings, the two ways Docker lets us.

1. The engine's ``OOMKilled`` flag (container-wide and sticky: set when *any* process of the
   container was killed for memory, even if the main one then exits 0). It answers for a sandbox
   whose command is the container's own process, and for a container that stopped under a
   command because the OOM killer took its init.
2. The container's memory-cgroup ``oom_kill`` counter, for commands exec'd into a long-lived
   container (the flag would blame every later command for an earlier one's kill): read from the
   host's cgroup file when this process can see it (no process in the container, nothing the run
   can touch), else by a separate process inside the container.

Invariants: a child killed for memory marks its run ``oom_killed`` either way; a container that
stopped under a command for any reason other than memory is an
:class:`~harness.errors.InfraError`, never the run's own ending.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from harness.errors import InfraError

# The container's memory cgroup seen from the host, per cgroup version and driver. A container id
# is unique, so a file found under it is that container's; when the engine is remote or the
# layout differs, none exists and the counters are read from inside the container instead.
CGROUP_OOM_FILES = (
    "/sys/fs/cgroup/memory/docker/{id}/memory.oom_control",  # v1, cgroupfs driver
    "/sys/fs/cgroup/memory/system.slice/docker-{id}.scope/memory.oom_control",  # v1, systemd
    "/sys/fs/cgroup/docker/{id}/memory.events",  # v2, cgroupfs driver
    "/sys/fs/cgroup/system.slice/docker-{id}.scope/memory.events",  # v2, systemd
)
_INSIDE = "cat /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events 2>/dev/null"


class OomCounters:
    """Reads containers' OOM-kill counters, from the host when it can."""

    def __init__(self, *, host_cgroups: bool | None = None) -> None:
        self.host_cgroups = host_cgroups
        """Whether this process can read containers' cgroups on the host: None until the first
        look settles it (one engine per runtime, so one answer); False reads from inside."""

    def kills(self, api: Any, container_id: str, uid: int) -> int:
        """OOM kills in the container so far (cgroup v1 or v2). Reading from inside runs a
        process as ``uid`` (a uid the run is not, so it cannot interfere)."""
        text = self._from_host(container_id)
        if text is None:
            exec_id = api.exec_create(container_id, ["sh", "-c", _INSIDE], user=f"{uid}")["Id"]
            text = api.exec_start(exec_id).decode(errors="replace")
        return parse_oom_kills(text)

    def _from_host(self, container_id: str) -> str | None:
        """The counters as the host sees them, or None when this process cannot see them
        (remote engine, other cgroup layout or namespace)."""
        if self.host_cgroups is False:
            return None
        for pattern in CGROUP_OOM_FILES:
            try:
                text = Path(pattern.format(id=container_id)).read_text()
            except OSError:
                continue
            self.host_cgroups = True
            return text
        if self.host_cgroups is None:  # never found here: stop looking
            self.host_cgroups = False
        return None


def parse_oom_kills(text: str) -> int:
    """The ``oom_kill N`` count of a ``memory.oom_control`` or ``memory.events`` file (0 if
    absent)."""
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key == "oom_kill" and value.strip().isdigit():
            return int(value)
    return 0


def flagged(api: Any, container_id: str) -> bool:
    """The engine's ``OOMKilled`` flag of a container (see the module docstring)."""
    state = api.inspect_container(container_id).get("State") or {}
    return bool(state.get("OOMKilled"))


def stopped_by_memory(api: Any, container_id: str, *, looks_killed: bool) -> bool:
    """A command failed: True when its container stopped because the OOM killer took its init
    (the run's own ending), False when the container is still running.

    The stop can trail the command's end by a few milliseconds, so after a kill-like exit
    (``looks_killed``) the container is watched for a moment.

    Raises:
        InfraError: the container stopped for another reason (removed or killed from outside
            the run, or lost by the engine).
    """
    for attempt in range(6):
        state = api.inspect_container(container_id).get("State") or {}
        if not state.get("Running"):
            if state.get("OOMKilled"):
                return True
            raise InfraError(
                "the container stopped during the run (removed or killed from "
                "outside the run, or lost by the engine)"
            )
        if attempt == 5 or not looks_killed:
            return False
        time.sleep(0.1)
    return False
