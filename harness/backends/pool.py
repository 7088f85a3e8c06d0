"""Sandboxes made and started ahead of need, so a grading run does not wait for its container.

A :class:`WarmPool` keeps a few started sandboxes per key (for Docker: the image's id and the
container-level limits), made in background threads while earlier runs use the CPUs. Each sandbox
is handed out once, to one run, and removed by that run like any other: a warm sandbox has never
seen a submission before it is handed out, so isolation is exactly that of a fresh one. What the
pool costs is sandboxes made for a key that is not asked for again; it holds at most ``spares``
per key and ``spares + 1`` in all, and gives the idle sandbox of the key asked for least recently
to a key that missed.

Closing the pool (always, in ``finally``) stops new work, waits for sandboxes being made, and
removes every one not handed out, so an interrupted batch leaves nothing behind.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor

from harness.backends.base import Sandbox, SandboxSpec


class WarmPool:
    """Started sandboxes by key, each handed out at most once."""

    def __init__(
        self,
        make: Callable[[SandboxSpec], Sandbox],
        key: Callable[[SandboxSpec], Hashable],
        *,
        spares: int,
    ) -> None:
        self._make = make
        self._key = key
        self.spares = max(1, spares)
        self._idle: dict[Hashable, deque[Sandbox]] = {}
        self._pending: Counter[Hashable] = Counter()
        self._asked: dict[Hashable, float] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._doomed: list[Sandbox] = []
        """Evicted sandboxes waiting for removal (removed by close() if their turn never came)."""
        self._workers = ThreadPoolExecutor(max_workers=self.spares, thread_name_prefix="dsim-warm")
        self.hits = 0
        self.misses = 0
        self.failed = 0
        """Sandboxes that could not be made ahead (the run then makes its own)."""
        self.unused = 0
        """Sandboxes made ahead and removed without a run (evicted, or left at close)."""

    def take(self, spec: SandboxSpec) -> Sandbox | None:
        """A started sandbox for ``spec`` if one is ready (else None: make a fresh one); either
        way, one more is made ahead for the same key when there is room."""
        key = self._key(spec)
        with self._lock:
            if self._closed:
                return None
            self._asked[key] = time.monotonic()
            queue = self._idle.get(key)
            box = queue.popleft() if queue else None
            if box is None:
                self.misses += 1
            else:
                self.hits += 1
            if self._held(key) < self.spares:
                if self._held() >= self.spares + 1 and box is None and self._evict_for(key):
                    self._workers.submit(self._reap)
                if self._held() < self.spares + 1:
                    self._pending[key] += 1
                    self._workers.submit(self._fill, key, spec)
        return box

    def _held(self, key: Hashable | None = None) -> int:
        if key is not None:
            return len(self._idle.get(key, ())) + self._pending[key]
        return sum(len(q) for q in self._idle.values()) + sum(self._pending.values())

    def _evict_for(self, key: Hashable) -> bool:
        """Doom the idle sandbox of the key asked for least recently (never ``key``'s)."""
        others = [k for k, q in self._idle.items() if q and k != key]
        if not others:
            return False
        oldest = min(others, key=lambda k: self._asked.get(k, 0.0))
        self._doomed.append(self._idle[oldest].popleft())
        return True

    def _fill(self, key: Hashable, spec: SandboxSpec) -> None:
        try:
            box = self._make(spec)
        except Exception:  # noqa: BLE001 - the run will make its own and report what fails
            with self._lock:
                self._pending[key] -= 1
                self.failed += 1
            return
        with self._lock:
            self._pending[key] -= 1
            if not self._closed:
                self._idle.setdefault(key, deque()).append(box)
                return
        self._discard(box)

    def _reap(self) -> None:
        with self._lock:
            box = self._doomed.pop() if self._doomed else None
        if box is not None:
            self._discard(box)

    def _discard(self, box: Sandbox) -> None:
        with self._lock:
            self.unused += 1
        box.cleanup()

    def close(self) -> None:
        """Stop making sandboxes, wait for the ones being made, remove every idle one."""
        with self._lock:
            self._closed = True
        self._workers.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            idle = [box for queue in self._idle.values() for box in queue] + self._doomed
            self._idle.clear()
            self._doomed = []
            self._pending.clear()
        for box in idle:
            self._discard(box)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {
                "hits": self.hits,
                "misses": self.misses,
                "failed": self.failed,
                "unused": self.unused,
            }
