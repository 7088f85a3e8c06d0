"""Reading a command's output with a byte cap and a deadline, without ever blocking a kill.

Shared by the backends (the docker engine's stream, the local backend's pipes).

Invariants: at most ``cap`` bytes of stdout and of stderr are kept, the head of each; everything
past the cap is still read and dropped (so the command never blocks on a full pipe, and a
gigabyte of output costs no memory); at the deadline — the command's own, or the earlier one a
:class:`~harness.backends.base.Watch` names — the command is killed from *another* thread while
this one keeps draining, because a blocking kill issued while nobody reads the stream can
deadlock (FIELD-NOTES).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from harness.backends.base import Watch

KILL_GRACE = 30.0
"""Seconds to keep draining after the kill before giving up on the stream's end."""

Chunks = Iterable[tuple[bytes | None, bytes | None]]
"""A demultiplexed engine stream: (stdout chunk, stderr chunk) pairs, either may be None."""


@dataclass(frozen=True, kw_only=True)
class Drained:
    """What a stream delivered before it ended or its deadline passed."""

    stdout: bytes
    """The head of standard output, at most the cap."""
    stderr: bytes
    """The head of standard error, at most the cap."""
    truncated: bool
    """Either stream passed the cap; the rest was dropped."""
    timed_out: bool
    """The deadline passed before the stream ended; ``kill`` was called."""
    stopped: bool = False
    """The watch's deadline passed first; ``kill`` was called."""


def drain(
    stream: Chunks,
    *,
    cap: int,
    timeout: float,
    kill: Callable[[], None],
    errors: tuple[type[BaseException], ...],
    watch: Watch | None = None,
) -> Drained:
    """Read ``stream`` until it ends or ``timeout`` seconds pass; then call ``kill`` on a thread
    of its own and keep reading (up to :data:`KILL_GRACE` seconds) until the stream ends.
    ``errors`` raised while reading end the stream (the container was killed under it)."""
    out, err = bytearray(), bytearray()
    truncated = False
    done = threading.Event()

    def read() -> None:
        nonlocal truncated
        try:
            for chunk_out, chunk_err in stream:
                if chunk_out and watch is not None:
                    watch.feed(chunk_out)
                for chunk, buf in ((chunk_out, out), (chunk_err, err)):
                    if chunk:
                        room = cap - len(buf)
                        if room > 0:
                            buf.extend(chunk[:room])
                        if len(chunk) > room:
                            truncated = True
        except errors:
            pass  # the container was killed under us: the stream ends
        finally:
            done.set()

    threading.Thread(target=read, daemon=True).start()
    timed_out, stopped = _wait(done, time.monotonic() + max(0.0, timeout), watch)
    if timed_out or stopped:
        threading.Thread(target=kill, daemon=True).start()
        done.wait(KILL_GRACE)
    return Drained(
        stdout=bytes(out),
        stderr=bytes(err),
        truncated=truncated,
        timed_out=timed_out,
        stopped=stopped,
    )


#: How often the watch's deadline is asked (it moves as the output arrives).
WATCH_POLL = 0.05


def _wait(done: threading.Event, deadline: float, watch: Watch | None) -> tuple[bool, bool]:
    """Wait for the stream to end: (timed out, stopped by the watch)."""
    if watch is None:
        return not done.wait(max(0.0, deadline - time.monotonic())), False
    while True:
        now = time.monotonic()
        stop_at = watch.deadline()
        if stop_at is not None and stop_at <= now and stop_at < deadline:
            return False, True
        if deadline <= now:
            return True, False
        if done.wait(min(deadline - now, WATCH_POLL)):
            return False, False
