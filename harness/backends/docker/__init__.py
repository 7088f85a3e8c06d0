"""The ``docker`` backend: one fresh, hardened container per run (docker SDK, not the CLI).

May import only ``harness.errors``, ``harness.config`` and the other backend modules (the
backends are the bottom layer). The SDK itself is imported on first use, never at import time.

Modules, each owning one concern and keeping the invariant its docstring states:

- :mod:`.engine`: the SDK client, its ping and the deadline on every API call.
- :mod:`.runtime`: :class:`DockerRuntime`, everything one backend holds (no module globals).
- :mod:`.backend`: :class:`DockerBackend`, the :class:`~harness.backends.base.Backend`.
- :mod:`.sandbox`: :class:`DockerSandbox`, the hardened container and its two shapes.
- :mod:`.copyin`: files in at ``/dsim`` by bind mount or tar archive, read-only to the run.
- :mod:`.readback`: files out, capped, never through a symlink.
- :mod:`.drain`: output with a byte cap and a deadline, killing without deadlock.
- :mod:`.oom`: memory kills, from the engine's flag or the cgroup counters.
- :mod:`.uids`: a fresh uid per run.
- :mod:`.cleanup`: live containers on an interrupt, labelled leftovers of dead processes.
- :mod:`.images`: the base and per-recipe images, built offline.
"""

from harness.backends.docker.backend import DockerBackend
from harness.backends.docker.cleanup import LABEL, WORKER_LABEL
from harness.backends.docker.copyin import ROOT, CopyIn
from harness.backends.docker.engine import client
from harness.backends.docker.oom import OomCounters
from harness.backends.docker.runtime import DockerRuntime
from harness.backends.docker.sandbox import DockerSandbox

__all__ = [
    "LABEL",
    "ROOT",
    "WORKER_LABEL",
    "CopyIn",
    "DockerBackend",
    "DockerRuntime",
    "DockerSandbox",
    "OomCounters",
    "client",
]
