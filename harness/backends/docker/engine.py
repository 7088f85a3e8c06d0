"""The Docker engine as one runtime sees it: an SDK client, its ping, and its API deadline.

Invariants: every engine call made through :meth:`Engine.client` has a host-side deadline
(:data:`API_TIMEOUT` seconds), so a stuck engine is an :class:`~harness.errors.InfraError`, never a
hang; an engine that cannot be reached is reported with what to do, never as a traceback; the
engine is pinged at most once every :data:`PING_TTL` seconds per :class:`Engine`. The SDK is
imported on first use only, so ``dsim --help`` never pays for it.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from harness.errors import InfraError

API_TIMEOUT = 60
"""Seconds any one engine API call may take before it fails (FIELD-NOTES: deadlines on all)."""
PING_TTL = 5.0
"""A command that asks for the client per image or per run pays for one round trip, not many."""
POOL_SIZE = 32
"""Connections kept open to the engine: more than the widest grading batch uses at once."""


class Engine:
    """One docker SDK client (it pools connections), made and pinged on first use."""

    def __init__(self) -> None:
        self._client: Any = None
        self._pinged_at = float("-inf")
        # Re-entrant: an interrupt handler that removes live containers may ask for the client
        # while the interrupted main thread is inside this method.
        self._lock = threading.RLock()

    def client(self) -> Any:
        """The client, pinged within the last :data:`PING_TTL` seconds.

        Raises:
            InfraError: the engine is not reachable; the hint says how to start it.
        """
        import docker
        from docker.errors import DockerException

        with self._lock:
            try:
                if self._client is None:
                    self._client = docker.from_env(timeout=API_TIMEOUT, max_pool_size=POOL_SIZE)
                if time.monotonic() - self._pinged_at >= PING_TTL:
                    self._client.ping()
                    self._pinged_at = time.monotonic()
            except DockerException as exc:
                raise _unreachable(exc) from exc
            return self._client


def client() -> Any:
    """A new, pinged client for a caller that holds no runtime (``dsim doctor``, tests).

    Raises:
        InfraError: the engine is not reachable.
    """
    return Engine().client()


def _unreachable(exc: BaseException) -> InfraError:
    return InfraError(
        f"Docker engine not reachable ({exc.__class__.__name__})",
        hint="start it with `bash scripts/setup.sh` (installs docker.io and starts dockerd) "
        "or `dockerd &`, then check `dsim doctor`",
    )


def api_errors() -> tuple[type[BaseException], ...]:
    """What an engine call raises when the engine, the connection or the host fails."""
    import docker.errors
    import requests.exceptions

    return (docker.errors.DockerException, requests.exceptions.RequestException, OSError)


def is_read_timeout(exc: BaseException) -> bool:
    """Did an engine call fail only because its deadline passed (the engine may be fine)?"""
    import requests.exceptions

    return (
        isinstance(exc, requests.exceptions.ReadTimeout | requests.exceptions.ConnectionError)
        and "timed out" in str(exc).lower()
    )
