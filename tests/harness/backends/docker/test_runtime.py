"""What a docker backend knows lives on its runtime: two backends share nothing, and the
registries behind interrupt cleanup and ``dsim cleanup`` do what they promise. No Docker engine
needed: the engine is never reached (fakes stand in where one is called)."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

from harness.backends import get_backend
from harness.backends.docker import CopyIn, DockerBackend, DockerRuntime, OomCounters
from harness.backends.docker.cleanup import LiveContainers, remove_labelled
from harness.backends.docker.copyin import HOST_DIR_PREFIX
from harness.backends.docker.images import ImageRef
from harness.backends.docker.oom import parse_oom_kills
from harness.backends.docker.uids import HIGH, LOW, UidAllocator


class FakeApi:
    def __init__(self, fail: frozenset[str] = frozenset()) -> None:
        self.removed: list[str] = []
        self.fail = fail

    def remove_container(self, container_id: str, *, force: bool, v: bool) -> None:
        assert force and v
        if container_id in self.fail:
            from docker.errors import APIError

            raise APIError("gone already")
        self.removed.append(container_id)


def test_two_backends_share_no_state(tmp_path: Path) -> None:
    one, two = get_backend("docker"), get_backend("docker")
    assert isinstance(one, DockerBackend) and isinstance(two, DockerBackend)
    assert one.runtime is not two.runtime
    a, b = one.runtime, two.runtime
    for part in ("engine", "copy_in", "oom", "uids", "live", "images"):
        assert getattr(a, part) is not getattr(b, part), part

    held = {a.uids.allocate() for _ in range(5)}
    assert len(held) == 5 and b.uids.in_use() == frozenset()
    a.live.add("c1", tmp_path / f"{HOST_DIR_PREFIX}x" / "root")
    assert b.live.ids() == frozenset() and b.live.folders() == set()
    assert two.remove_live() == 0  # never reaches for a client: nothing of its own is live
    a.copy_in.refused()
    a.oom.host_cgroups = False
    assert b.copy_in.bind is None and b.oom.host_cgroups is None
    a.images._ready["dsim-scenario-demo:x"] = ImageRef(
        tag="dsim-scenario-demo:x", python="python3", built=False
    )
    assert b.images._ready == {}
    assert a.engine._client is None and b.engine._client is None  # no engine reached


def test_a_runtime_is_configured_by_its_parts(tmp_path: Path) -> None:
    runtime = DockerRuntime(
        copy_in=CopyIn(bind=False, root=tmp_path), oom=OomCounters(host_cgroups=False)
    )
    assert runtime.copy_in.uses_bind(cli=None) is False  # decided: the engine is not asked
    assert runtime.copy_in.root == tmp_path
    assert runtime.oom.host_cgroups is False
    assert DockerBackend(runtime).runtime is runtime


def test_interrupt_marks_before_removing_and_removes_folders(tmp_path: Path) -> None:
    live = LiveContainers()
    folder = tmp_path / f"{HOST_DIR_PREFIX}a" / "root"
    folder.mkdir(parents=True)
    live.add("a", folder)
    live.add("b")
    live.add("c")
    api = FakeApi(fail=frozenset({"c"}))
    seen: list[bool] = []

    def client() -> SimpleNamespace:
        seen.append(live.aborted("a") and live.aborted("b"))  # marked before any removal
        return SimpleNamespace(api=api)

    assert live.remove_all(client) == 3  # one failing removal never stops the others
    assert seen == [True]
    assert sorted(api.removed) == ["a", "b"]
    assert not folder.parent.exists()
    assert live.ids() == frozenset() and live.aborted("b")  # its run will say it was cut off
    live.discard("b")  # the sandbox's own cleanup, afterwards
    assert not live.aborted("b")
    assert live.remove_all(lambda: SimpleNamespace(api=FakeApi())) == 0


def test_leftover_cleanup_spares_this_runtimes_live_containers_and_folders(tmp_path: Path) -> None:
    removed: list[str] = []

    def container(cid: str) -> SimpleNamespace:
        return SimpleNamespace(id=cid, remove=lambda **_kw: removed.append(cid))

    listed = [container("dead-1"), container("mine"), container("dead-2")]
    cli = SimpleNamespace(
        containers=SimpleNamespace(
            list=lambda **kw: listed if kw == {"all": True, "filters": {"label": "dsim"}} else []
        )
    )
    live = LiveContainers()
    mine = tmp_path / f"{HOST_DIR_PREFIX}mine" / "root"
    stale = tmp_path / f"{HOST_DIR_PREFIX}dead"
    other = tmp_path / "unrelated"
    for folder in (mine, stale, other):
        folder.mkdir(parents=True)
    live.add("mine", mine)
    assert remove_labelled(cli, CopyIn(root=tmp_path), live) == 2
    assert removed == ["dead-1", "dead-2"]
    assert sorted(tmp_path.iterdir()) == sorted([mine.parent, other])


def test_uids_are_distinct_while_held_and_never_the_harness_own() -> None:
    uids = UidAllocator()
    held = [uids.allocate() for _ in range(200)]
    assert len(set(held)) == 200
    assert all(LOW <= uid <= HIGH for uid in held)
    assert os.getuid() not in held and os.getgid() not in held
    uids.release(*held[:100])
    assert uids.in_use() == frozenset(held[100:])
    uids.release(12345)  # not held: a no-op
    assert len(uids.in_use()) == 100


def test_oom_kills_are_read_from_cgroup_v1_and_v2_files() -> None:
    v1 = "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n"
    v2 = "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\noom_group_kill 0\n"
    assert parse_oom_kills(v1) == 2
    assert parse_oom_kills(v2) == 1
    assert parse_oom_kills("") == 0
    assert parse_oom_kills("oom_kill_disable 0\n") == 0
