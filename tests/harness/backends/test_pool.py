"""The warm pool's bookkeeping, with fake sandboxes: each handed out once, per key, bounded, and
nothing left after close (the Docker side is in test_docker_fast_paths.py)."""

from __future__ import annotations

import threading
import time
from typing import ClassVar

import pytest

from harness.backends.base import Limits, Sandbox, SandboxSpec
from harness.backends.pool import WarmPool


class FakeBox(Sandbox):
    isolated = True
    root = "/x"
    made: ClassVar[list[FakeBox]] = []

    def __init__(self, spec: SandboxSpec) -> None:
        self.spec = spec
        self.cleaned = 0
        FakeBox.made.append(self)

    def write_files(self, files, dest):  # pragma: no cover - not used here
        raise NotImplementedError

    def start(self):  # pragma: no cover
        raise NotImplementedError

    def exec(self, argv, *, timeout, env=None):  # pragma: no cover
        raise NotImplementedError

    def read_file(self, path, max_bytes):  # pragma: no cover
        raise NotImplementedError

    def cleanup(self):
        self.cleaned += 1


def spec(image: str) -> SandboxSpec:
    return SandboxSpec(image=image, limits=Limits())


def settle(pool: WarmPool, timeout: float = 5.0) -> None:
    """Wait until no sandbox is being made."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with pool._lock:
            if not sum(pool._pending.values()) and not pool._doomed:
                return
        time.sleep(0.005)
    raise AssertionError("pool never settled")


@pytest.fixture(autouse=True)
def _fresh():
    FakeBox.made = []


def test_a_sandbox_is_made_ahead_per_key_and_handed_out_once():
    pool = WarmPool(FakeBox, lambda s: s.image, spares=2)
    assert pool.take(spec("a")) is None  # nothing ready yet: the caller makes its own
    settle(pool)
    first = pool.take(spec("a"))
    assert isinstance(first, FakeBox) and first.spec.image == "a"
    settle(pool)
    second = pool.take(spec("a"))
    assert second is not None and second is not first
    assert pool.take(spec("b")) is None  # another key never gets an "a" sandbox
    settle(pool)
    got_b = pool.take(spec("b"))
    assert got_b is not None and got_b.spec.image == "b"
    pool.close()
    handed = {id(first), id(second), id(got_b)}
    left = [b for b in FakeBox.made if id(b) not in handed]
    assert left and all(b.cleaned == 1 for b in left)  # every spare removed at close
    assert all(b.cleaned == 0 for b in (first, second, got_b))  # the runs remove their own
    assert pool.stats()["hits"] == 3 and pool.stats()["misses"] == 2


def test_the_pool_holds_at_most_spares_per_key_and_one_more_in_all():
    pool = WarmPool(FakeBox, lambda s: s.image, spares=2)
    handed = []
    for image in "aabbbccdaa":
        box = pool.take(spec(image))
        if box is not None:
            assert box.spec.image == image
            handed.append(box)
        settle(pool)
        with pool._lock:
            assert pool._held() <= 3
            assert all(len(q) <= 2 for q in pool._idle.values())
    pool.close()
    assert handed  # the run removes a box handed to it; the pool removes every other one
    assert all(b.cleaned == (0 if any(b is h for h in handed) else 1) for b in FakeBox.made)


def test_a_missed_key_takes_the_slot_of_the_key_asked_for_least_recently():
    pool = WarmPool(FakeBox, lambda s: s.image, spares=1)  # 2 in all
    for image in ("a", "b"):
        pool.take(spec(image))
        settle(pool)
    pool.take(spec("c"))  # full with an "a" and a "b": "a" was asked for first, it goes
    settle(pool)
    with pool._lock:
        assert {k for k, q in pool._idle.items() if q} == {"b", "c"}
    evicted = [b for b in FakeBox.made if b.spec.image == "a"]
    assert [b.cleaned for b in evicted] == [1]
    assert pool.stats()["unused"] == 1
    pool.close()


def test_close_waits_for_sandboxes_being_made_and_removes_them():
    gate = threading.Event()
    entered = threading.Event()

    def slow(s: SandboxSpec) -> FakeBox:
        entered.set()
        gate.wait(5)
        return FakeBox(s)

    pool = WarmPool(slow, lambda s: s.image, spares=1)
    pool.take(spec("a"))
    assert entered.wait(5)
    closer = threading.Thread(target=pool.close)
    closer.start()
    time.sleep(0.05)
    assert closer.is_alive()  # waiting for the one being made
    gate.set()
    closer.join(5)
    assert not closer.is_alive()
    assert len(FakeBox.made) == 1 and FakeBox.made[0].cleaned == 1
    assert pool.take(spec("a")) is None  # closed: nothing handed out, nothing made
    assert len(FakeBox.made) == 1


def test_a_sandbox_that_cannot_be_made_ahead_is_a_miss_not_an_error():
    def broken(s: SandboxSpec) -> FakeBox:
        raise RuntimeError("engine down")

    pool = WarmPool(broken, lambda s: s.image, spares=2)
    assert pool.take(spec("a")) is None
    settle(pool)
    assert pool.take(spec("a")) is None
    settle(pool)
    pool.close()
    assert pool.stats() == {"hits": 0, "misses": 2, "failed": 2, "unused": 0}
