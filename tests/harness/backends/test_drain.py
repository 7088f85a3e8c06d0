"""Output is read with a cap and a deadline; at the deadline the kill runs on another thread
while reading goes on (a blocking kill while nobody reads can deadlock). No Docker needed: the
stream is a generator standing in for the engine's."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from harness.backends.drain import drain

ERRORS = (OSError,)


def test_the_head_of_each_stream_is_kept_up_to_the_cap_and_the_rest_read_and_dropped() -> None:
    read = []

    def stream() -> Iterator[tuple[bytes | None, bytes | None]]:
        for i in range(100):
            read.append(i)
            yield b"o" * 10, (b"e" * 3 if i % 2 else None)

    got = drain(stream(), cap=25, timeout=10, kill=lambda: None, errors=ERRORS)
    assert got.stdout == b"o" * 25 and got.stderr == b"e" * 25
    assert got.truncated and not got.timed_out
    assert len(read) == 100  # drained to the end, not abandoned at the cap


def test_output_exactly_at_the_cap_is_not_truncated() -> None:
    got = drain(
        iter([(b"x" * 4, None), (None, b"y" * 8)]),
        cap=8,
        timeout=10,
        kill=lambda: None,
        errors=ERRORS,
    )
    assert (got.stdout, got.stderr, got.truncated) == (b"x" * 4, b"y" * 8, False)


def test_at_the_deadline_the_kill_runs_on_another_thread_while_reading_goes_on() -> None:
    killed = threading.Event()
    kill_threads: list[threading.Thread] = []

    def kill() -> None:
        kill_threads.append(threading.current_thread())
        killed.set()

    def stream() -> Iterator[tuple[bytes | None, bytes | None]]:
        yield b"before", None
        while not killed.is_set():  # a command that never ends by itself
            time.sleep(0.01)
        yield b" after", None  # what arrives while the kill lands is still read

    began = time.monotonic()
    got = drain(stream(), cap=100, timeout=0.2, kill=kill, errors=ERRORS)
    assert got.timed_out and got.stdout == b"before after"
    assert kill_threads and kill_threads[0] is not threading.main_thread()
    assert time.monotonic() - began < 5


def test_a_stream_broken_by_the_engine_just_ends() -> None:
    def stream() -> Iterator[tuple[bytes | None, bytes | None]]:
        yield b"partial", None
        raise OSError("connection reset: the container was removed")

    got = drain(stream(), cap=100, timeout=10, kill=lambda: None, errors=ERRORS)
    assert got.stdout == b"partial" and not got.timed_out
