"""User ids for runs: a fresh one per run, never two live runs of one runtime on the same id.

Why: processes of one uid share the nproc limit across containers, so a busy run could stop
another from even starting Python (FIELD-NOTES). Invariants: an id handed out is in 20000-59999,
is neither this process's uid nor its gid (the run must not own the files it is given), and is
not handed out again until released. Ids are drawn at random, so runs of other dsim processes
on the same machine collide only by chance (one in 40,000 per pair).
"""

from __future__ import annotations

import os
import random
import threading

LOW, HIGH = 20000, 59999


class UidAllocator:
    """The ids live runs of one runtime hold."""

    def __init__(self) -> None:
        self._in_use: set[int] = set()
        self._lock = threading.Lock()

    def allocate(self) -> int:
        """A free id, held until :meth:`release`."""
        own = {os.getuid(), os.getgid()}
        with self._lock:
            while True:
                uid = random.randint(LOW, HIGH)
                if uid not in self._in_use and uid not in own:
                    self._in_use.add(uid)
                    return uid

    def release(self, *uids: int) -> None:
        """Give ids back (releasing one not held is a no-op)."""
        with self._lock:
            self._in_use.difference_update(uids)

    def in_use(self) -> frozenset[int]:
        with self._lock:
            return frozenset(self._in_use)
