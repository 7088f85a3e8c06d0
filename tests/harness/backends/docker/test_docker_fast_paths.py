"""The docker backend's fast paths keep the same guarantees as the slow ones they replace.

Files go in by bind mount of a private host folder when the engine runs here, else by archive
into a volume: either way root-owned, read-only to the run, gone with the container. OOM kills are
read from the host's cgroup file when visible, else from inside the container: either way a child
killed for memory marks the run.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from harness.backends import Limits, Sandbox, SandboxSpec
from harness.backends.docker import CopyIn, DockerSandbox, OomCounters, client
from harness.backends.docker.copyin import HOST_DIR_PREFIX, write_tree

pytestmark = pytest.mark.docker

PROBE = (
    "import os, sys\n"
    "st = os.stat('tree/pkg/data.txt')\n"
    "print(open('tree/pkg/data.txt').read(), st.st_uid == os.getuid(),\n"
    "      oct(st.st_mode & 0o777))\n"
    "for path in ('tree/pkg/data.txt', 'tree/new.txt', 'new.txt'):\n"
    "    try:\n"
    "        open(path, 'a').write('x')\n"
    "        print('wrote', path)\n"
    "    except OSError as exc:\n"
    "        print(type(exc).__name__)\n"
)


def assert_probe_sees_read_only_files(box: Sandbox) -> None:
    """Files written in are readable, owned by another uid, 0644, and nothing is writable."""
    box.write_files({"pkg/data.txt": b"from the host"}, "tree")
    box.start()
    result = box.exec(["python3", "-c", PROBE], timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().split() == [
        "from",
        "the",
        "host",
        "False",
        "0o644",
        "PermissionError",
        "PermissionError",
        "PermissionError",
    ]


def spec(image: str, label: str, **limits: float) -> SandboxSpec:
    values = {"timeout_seconds": 30, "memory_mb": 128, **limits}
    return SandboxSpec(image=image, limits=Limits(**values), labels={"dsim.test": label})


def test_files_are_read_only_to_the_run_either_way_and_leave_nothing(
    backend, base_image, label, copy_mode
):
    box = backend.sandbox(spec(base_image, label))
    assert isinstance(box, DockerSandbox)
    if copy_mode == "bind":  # this machine runs the engine: the fast path must be taken
        assert box.host_dir is not None and box.host_dir.is_dir()
        assert box.host_dir.parent.stat().st_mode & 0o077 == 0  # private to the harness
    else:
        assert box.host_dir is None
    host_dir = box.host_dir
    with box:
        assert_probe_sees_read_only_files(box)
    if host_dir is not None:
        assert not host_dir.parent.exists()


def test_an_engine_that_cannot_see_the_folder_falls_back_to_archives(
    backend, base_image, label, monkeypatch
):
    from docker.errors import APIError
    from docker.models.containers import ContainerCollection

    backend.runtime.copy_in = CopyIn(bind=True)
    real = ContainerCollection.create
    made: list[Path] = []

    def refuse_bind(self, *args, **kwargs):
        mount = kwargs["mounts"][0]
        if mount["Type"] == "bind":
            made.append(Path(mount["Source"]))
            raise APIError(
                'invalid mount config for type "bind": bind source path does not '
                f"exist: {mount['Source']}"
            )
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ContainerCollection, "create", refuse_bind)
    with backend.sandbox(spec(base_image, label)) as box:
        assert box.host_dir is None
        box.write_files({"pkg/data.txt": b"from the host"}, "tree")
        result = box.exec(["python3", "-c", PROBE], timeout=30)
    assert result.stdout.split()[:4] == [b"from", b"the", b"host", b"False"]
    assert backend.runtime.copy_in.bind is False  # and it stays with archives
    assert made and not made[0].parent.exists()


@pytest.mark.parametrize("where", ["host", "container"])
def test_a_child_killed_for_memory_is_seen_from_the_host_or_from_inside(
    backend, base_image, label, where
):
    backend.runtime.oom = OomCounters(host_cgroups=False if where == "container" else None)
    with backend.sandbox(spec(base_image, label, memory_mb=128)) as box:
        calm = box.exec(["python3", "-c", "print(1)"], timeout=30)
        if where == "host" and backend.runtime.oom.host_cgroups is not True:
            pytest.skip("this process cannot see the engine's cgroups")
        result = box.exec(
            [
                "python3",
                "-c",
                (
                    "import subprocess, sys\n"
                    "child = subprocess.run([sys.executable, '-c', \"x = b'x' * (1024 ** 3)\"])\n"
                    "print(child.returncode)\n"
                ),
            ],
            timeout=30,
        )
    assert calm.oom_killed is False and bool(calm)
    assert result.returncode == 0
    assert result.stdout == b"-9\n"
    assert result.oom_killed is True


def test_interrupt_removes_the_bound_folders_too(backend, base_image, label, monkeypatch):
    monkeypatch.delenv("DSIM_DOCKER_COPY", raising=False)
    backend.runtime.copy_in = CopyIn()
    box = backend.sandbox(spec(base_image, label))
    host_dir = box.host_dir
    assert host_dir is not None
    assert backend.remove_live() == 1  # exactly this backend's one container
    assert not host_dir.parent.exists()
    box.cleanup()  # what the unwinding worker still does: idempotent


def test_cleanup_command_sweeps_folders_of_killed_processes_only(
    backend, base_image, label, tmp_path, monkeypatch
):
    monkeypatch.delenv("DSIM_DOCKER_COPY", raising=False)
    backend.runtime.copy_in = CopyIn(root=tmp_path)
    stale = tmp_path / f"{HOST_DIR_PREFIX}killed"
    (stale / "root" / "tree").mkdir(parents=True)
    other = tmp_path / "unrelated"
    other.mkdir()
    with backend.sandbox(spec(base_image, label)) as box:
        assert box.host_dir is not None and box.host_dir.parent.parent == tmp_path
        copy_in, live = backend.runtime.copy_in, backend.runtime.live
        assert copy_in.remove_stale(live.folders()) == [stale]  # what `dsim cleanup` sweeps
        assert box.host_dir.is_dir()  # a live sandbox's folder stays
    assert sorted(tmp_path.iterdir()) == [other]


def _exec_while(box, action):
    """Run a long command in ``box`` on a thread, do ``action`` once it runs, return what the
    command's exec returned or raised."""
    import threading
    import time

    outcome: dict[str, object] = {}

    def run():
        try:
            outcome["result"] = box.exec(["sleep", "30"], timeout=60)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcome["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        top = client().api.top(box.container.id)["Processes"] or []
        if any("sleep 30" in " ".join(p) for p in top):
            break
        time.sleep(0.05)
    action()
    worker.join(60)
    return outcome


def test_a_run_cut_off_by_an_interrupt_is_an_infrastructure_failure(backend, base_image, label):
    from harness.errors import InfraError

    box = backend.sandbox(spec(base_image, label))
    with box:
        box.start()
        outcome = _exec_while(box, backend.remove_live)
    assert isinstance(outcome.get("error"), InfraError), outcome


def test_a_container_killed_from_outside_is_an_infrastructure_failure(backend, base_image, label):
    from harness.errors import InfraError

    with backend.sandbox(spec(base_image, label)) as box:
        box.start()
        outcome = _exec_while(box, lambda: client().api.kill(box.container.id))
    assert isinstance(outcome.get("error"), InfraError), outcome


def test_a_run_that_kills_itself_is_its_own_ending(backend, base_image, label):
    with backend.sandbox(spec(base_image, label)) as box:
        result = box.exec(
            ["python3", "-c", "import os, signal; os.kill(os.getpid(), 9)"], timeout=30
        )
        assert box.exec(["true"], timeout=30).returncode == 0  # the container lives on
    assert result.returncode == 137
    assert not result.timed_out and not result.oom_killed


@pytest.mark.parametrize("oom_killed", [True, False])
def test_a_container_stopped_under_a_failed_command_is_oom_or_infrastructure(
    backend, base_image, label, monkeypatch, oom_killed
):
    """When the OOM killer takes the container's init the run failed for memory; any other stop
    under a command is not the run's doing."""
    from harness.errors import InfraError

    with backend.sandbox(spec(base_image, label)) as box:
        api = box.cli.api
        real = api.inspect_container

        def stopped(container_id):
            info = real(container_id)
            if container_id == box.container.id:
                info["State"] = {**info["State"], "Running": False, "OOMKilled": oom_killed}
            return info

        monkeypatch.setattr(api, "inspect_container", stopped)
        if oom_killed:
            result = box.exec(["python3", "-c", "raise SystemExit(1)"], timeout=30)
            assert result.oom_killed is True and result.returncode == 1
        else:
            with pytest.raises(InfraError, match="stopped during the run"):
                box.exec(["python3", "-c", "raise SystemExit(1)"], timeout=30)
        monkeypatch.undo()


def test_writing_the_tree_refuses_escaping_names(tmp_path):
    for name in ("../escape.txt", "a/../../escape.txt", "/abs.txt", "a//b.txt", "a\\b.txt"):
        with pytest.raises(ValueError, match="escapes"):
            write_tree(tmp_path, {name: b"x"}, "")
    (tmp_path / "outside").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "outside")
    with pytest.raises(ValueError, match="not a folder"):
        write_tree(tmp_path, {"link/x.txt": b"x"}, "")
    (tmp_path / "file.txt").symlink_to(tmp_path / "outside" / "target.txt")
    with pytest.raises(OSError):
        write_tree(tmp_path, {"file.txt": b"x"}, "")
    assert list((tmp_path / "outside").iterdir()) == []


def _warm_containers() -> set[str]:
    return {c["Id"] for c in client().api.containers(all=True, filters={"label": "dsim.warm"})}


def test_warm_containers_keep_every_guarantee_and_none_outlives_the_block(
    backend, base_image, label, copy_mode
):
    before = _warm_containers()
    seen: set[str] = set()
    with backend.warmed(spares=1) as counters:
        first = backend.sandbox(spec(base_image, label))  # nothing made ahead yet
        with first:
            first.write_files({"pkg/data.txt": b"from the host"}, "tree")
            first.start()
            assert first.exec(["true"], timeout=30).returncode == 0
            seen.add(first.container.id)
        for _ in range(2):
            deadline = time.monotonic() + 30
            while not backend._pool._idle.get(backend._warm_key(spec(base_image, label))):
                assert time.monotonic() < deadline, "no container was made ahead"
                time.sleep(0.02)
            box = backend.sandbox(spec(base_image, label))
            assert isinstance(box, DockerSandbox) and box._started
            assert box.container.id not in seen  # each container serves one run only
            seen.add(box.container.id)
            labels = client().api.inspect_container(box.container.id)["Config"]["Labels"]
            assert labels.get("dsim.warm") == "1" and "dsim.test" not in labels
            with box:  # files go in after the container started: same guarantees
                assert_probe_sees_read_only_files(box)
        assert _warm_containers() - before  # one more made ahead, idle
    assert counters["hits"] == 2 and counters["misses"] == 1
    assert counters["unused"] >= 1
    assert _warm_containers() - before == set()  # the idle one was removed on the way out
