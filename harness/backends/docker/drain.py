"""Reading a command's output with a byte cap and a deadline, without ever blocking a kill.

Invariants: at most ``cap`` bytes of stdout and of stderr are kept, the head of each; everything
past the cap is still read and dropped (so the command never blocks on a full pipe, and a
gigabyte of output costs no memory); at the deadline the container is killed from *another*
thread while this one keeps draining, because a blocking kill issued while nobody reads the
stream can deadlock (FIELD-NOTES).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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


def drain(
    stream: Chunks,
    *,
    cap: int,
    timeout: float,
    kill: Callable[[], None],
    errors: tuple[type[BaseException], ...],
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
    timed_out = not done.wait(max(0.0, timeout))
    if timed_out:
        threading.Thread(target=kill, daemon=True).start()
        done.wait(KILL_GRACE)
    return Drained(stdout=bytes(out), stderr=bytes(err), truncated=truncated, timed_out=timed_out)
