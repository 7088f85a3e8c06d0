"""The Sandbox contract (harness/backends/base.py), checked against every backend the same way.

Each test runs unchanged on ``local`` (a subprocess in a temporary folder) and ``docker`` (a
hardened container on the base image). Durations are only liveness bounds, never performance
assertions.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.backends import (
    Backend,
    ImageRecipe,
    Limits,
    Sandbox,
    SandboxSpec,
    backend_names,
    get_backend,
)
from harness.errors import InfraError, InvalidInput

LIVENESS = 15.0
"""Seconds a timed-out command may take beyond its deadline before we call it hung."""


@dataclass(frozen=True)
class Env:
    backend: Backend
    image: str
    label: str
    """A unique ``dsim.test`` label value: finds this test's containers and nothing else."""

    def spec(self, **limits: float) -> SandboxSpec:
        return SandboxSpec(
            image=self.image, limits=Limits(**limits), labels={"dsim.test": self.label}
        )

    def sandbox(self, **limits: float) -> Sandbox:
        return self.backend.sandbox(self.spec(**limits))

    def py(self, code: str) -> list[str]:
        return [self.backend.python, "-c", code]


@pytest.fixture(params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def env(request: pytest.FixtureRequest) -> Iterator[Env]:
    name = request.param
    image = request.getfixturevalue("base_image") if name == "docker" else ""
    backend = get_backend(name)
    assert backend.name == name
    made = Env(backend=backend, image=image, label=uuid.uuid4().hex)
    yield made
    if name == "docker":  # whatever a test did, it must not leave a container behind
        assert _containers(label=made.label) == []


def _containers(*, label: str) -> list[str]:
    from harness.backends.docker import client

    return [
        c["Id"] for c in client().api.containers(all=True, filters={"label": f"dsim.test={label}"})
    ]


def _leftovers(env: Env, box: Sandbox, root: str) -> list[str]:
    """What the sandbox still holds on the host after cleanup: its folder or its container."""
    if env.backend.name == "local":
        return [root] if Path(root).exists() else []
    return _containers(label=env.label)


# --- exec ------------------------------------------------------------------------------------


def test_exec_returns_output_exit_code_and_duration(env: Env) -> None:
    with env.sandbox(timeout_seconds=30) as box:
        box.write_files({"pkg/data.txt": b"from the host\n"}, "tree")
        box.start()
        result = box.exec(
            env.py(
                "import os, sys\n"
                "sys.stdout.write(open('tree/pkg/data.txt').read())\n"
                "sys.stdout.write(os.environ.get('DSIM_PROBE', '<unset>'))\n"
                "sys.stderr.write('to stderr')\n"
            ),
            timeout=30,
            env={"DSIM_PROBE": "probe-value"},
        )
    assert result.returncode == 0
    assert result.stdout == b"from the host\nprobe-value"
    assert result.stderr == b"to stderr"
    assert isinstance(result.duration, float) and 0 < result.duration < 30
    assert (result.timed_out, result.oom_killed, result.truncated) == (False, False, False)
    assert bool(result) is True


def test_files_written_before_start_are_read_only_to_the_run(env: Env) -> None:
    with env.sandbox(timeout_seconds=30) as box:
        box.write_files({"a/b.txt": b"original"}, "tree")
        box.start()
        result = box.exec(
            env.py(
                "try:\n"
                "    open('tree/a/b.txt', 'w').write('changed')\n"
                "    print('wrote')\n"
                "except OSError as exc:\n"
                "    print(type(exc).__name__)\n"
            ),
            timeout=30,
        )
        assert result.returncode == 0, result.stderr
        if box.isolated:  # the local backend runs as the caller and cannot protect files
            assert result.stdout.strip() == b"PermissionError"
            assert box.read_file("tree/a/b.txt", 100) == b"original"


def test_non_zero_exit_is_a_result_not_an_exception(env: Env) -> None:
    with env.sandbox(timeout_seconds=30) as box:
        result = box.exec(env.py("import sys; print('partial'); sys.exit(3)"), timeout=30)
        crash = box.exec(env.py("raise RuntimeError('boom')"), timeout=30)
    assert result.returncode == 3
    assert result.stdout == b"partial\n"
    assert not result.timed_out and not result.oom_killed
    assert bool(result) is False
    assert crash.returncode == 1
    assert b"RuntimeError: boom" in crash.stderr
    assert bool(crash) is False


def test_timeout_kills_the_command_and_returns_promptly(env: Env) -> None:
    timeout = 2.0
    with env.sandbox(timeout_seconds=timeout) as box:
        result = box.exec(
            env.py(
                "import subprocess, sys, time\n"
                "print('started', flush=True)\n"
                # a child that would outlive the parent keeps nothing open past the deadline
                "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
                "while True:\n"
                "    time.sleep(0.05)\n"
            ),
            timeout=timeout,
        )
    assert result.timed_out is True
    assert bool(result) is False
    assert result.returncode != 0
    assert result.stdout == b"started\n"  # output before the kill is kept
    assert timeout <= result.duration < timeout + LIVENESS


def test_busy_loop_times_out(env: Env) -> None:
    with env.sandbox(timeout_seconds=2) as box:
        result = box.exec(env.py("while True: pass"), timeout=2)
    assert result.timed_out is True
    assert bool(result) is False
    assert 2 <= result.duration < 2 + LIVENESS


# --- output cap ------------------------------------------------------------------------------


def test_output_beyond_the_cap_is_truncated(env: Env) -> None:
    cap = 1000
    with env.sandbox(timeout_seconds=30, output_bytes=cap) as box:
        result = box.exec(
            env.py(
                "import sys\n"
                "sys.stdout.write('a' * 10 + 'b' * 100000)\n"
                "sys.stderr.write('e' * 100000)\n"
            ),
            timeout=30,
        )
    assert result.returncode == 0
    assert result.truncated is True
    assert result.stdout == b"a" * 10 + b"b" * (cap - 10)  # the head is kept, the rest dropped
    assert result.stderr == b"e" * cap


def test_output_exactly_at_the_cap_is_not_truncated(env: Env) -> None:
    cap = 1000
    with env.sandbox(timeout_seconds=30, output_bytes=cap) as box:
        exact = box.exec(env.py(f"import sys; sys.stdout.write('x' * {cap})"), timeout=30)
        over = box.exec(env.py(f"import sys; sys.stderr.write('x' * {cap + 1})"), timeout=30)
    assert exact.stdout == b"x" * cap
    assert exact.truncated is False
    assert over.stderr == b"x" * cap
    assert over.truncated is True


# --- read_file -------------------------------------------------------------------------------


def test_read_file_caps_at_max_bytes(env: Env) -> None:
    data = bytes(range(256)) * 40  # 10240 bytes, every byte value
    with env.sandbox(timeout_seconds=30) as box:
        box.write_files({"big.bin": data}, "tree")
        box.start()
        assert box.read_file("tree/big.bin", 100) == data[:100]
        assert box.read_file("tree/big.bin", len(data)) == data
        assert box.read_file("tree/big.bin", 10 * len(data)) == data
        assert box.read_file("tree/big.bin", 0) == b""


def test_read_file_of_a_missing_file_raises_file_not_found(env: Env) -> None:
    with env.sandbox(timeout_seconds=30) as box:
        box.write_files({"a.txt": b"a"}, "tree")
        box.start()
        with pytest.raises(FileNotFoundError):
            box.read_file("tree/missing.txt", 100)


# The run writes where it can: its working folder (local) or its private /tmp (docker, where
# everything else is read-only to it). It prints that folder's absolute path.
_MAKE_FILES = (
    "import os, sys, tempfile\n"
    "here = os.getcwd()\n"
    "d = here if os.access(here, os.W_OK) else tempfile.mkdtemp()\n"
    "open(os.path.join(d, 'real.txt'), 'w').write('written by the run ' * 100)\n"
    "os.symlink(sys.argv[1], os.path.join(d, 'link'))\n"
    "print(d)\n"
)


def test_read_file_reads_a_file_the_run_wrote(env: Env) -> None:
    with env.sandbox(timeout_seconds=30) as box:
        box.start()
        result = box.exec([*env.py(_MAKE_FILES), "/nonexistent"], timeout=30)
        assert result, result.stderr
        folder = result.stdout.decode().strip()
        assert box.read_file(f"{folder}/real.txt", 19) == b"written by the run "
        assert box.read_file(f"{folder}/real.txt", 10**6) == b"written by the run " * 100


def test_read_file_does_not_follow_a_symlink_the_run_created(env: Env) -> None:
    with env.sandbox(timeout_seconds=30) as box:
        box.write_files({"secret.txt": b"TOP SECRET"}, "tree")
        box.start()
        target = f"{box.root}/tree/secret.txt"
        assert box.read_file(target, 100) == b"TOP SECRET"  # readable directly ...
        result = box.exec([*env.py(_MAKE_FILES), target], timeout=30)
        assert result, result.stderr
        folder = result.stdout.decode().strip()
        assert box.read_file(f"{folder}/real.txt", 4) == b"writ"  # ... the folder is readable ...
        with pytest.raises(FileNotFoundError):  # ... but not through the run's symlink
            box.read_file(f"{folder}/link", 100)


# --- cleanup ---------------------------------------------------------------------------------


def test_cleanup_is_idempotent_and_removes_everything(env: Env) -> None:
    box = env.sandbox(timeout_seconds=30)
    root = box.root
    box.write_files({"a.txt": b"a"}, "tree")
    assert box.exec(env.py("print(1)"), timeout=30).stdout == b"1\n"
    assert _leftovers(env, box, root) != []  # sanity: the probe sees a live sandbox
    box.cleanup()
    assert _leftovers(env, box, root) == []
    box.cleanup()
    box.cleanup()
    assert _leftovers(env, box, root) == []


def test_cleanup_after_context_exit_and_without_start(env: Env) -> None:
    with env.sandbox(timeout_seconds=30) as box:  # never started, never ran anything
        root = box.root
        box.write_files({"a.txt": b"a"}, "tree")
    assert _leftovers(env, box, root) == []
    box.cleanup()  # again, after __exit__ already cleaned up
    assert _leftovers(env, box, root) == []


def test_cleanup_after_a_timeout(env: Env) -> None:
    box = env.sandbox(timeout_seconds=1)
    root = box.root
    try:
        assert box.exec(env.py("import time; time.sleep(60)"), timeout=1).timed_out
    finally:
        box.cleanup()
    box.cleanup()
    assert _leftovers(env, box, root) == []


def test_cleanup_on_exception_inside_the_context(env: Env) -> None:
    box = env.sandbox(timeout_seconds=30)
    root = box.root
    with pytest.raises(RuntimeError, match="caller failed"), box:
        box.exec(env.py("print(1)"), timeout=30)
        raise RuntimeError("caller failed")
    assert _leftovers(env, box, root) == []


def test_remove_live_removes_a_sandbox_in_use_and_its_run_is_an_infrastructure_failure(
    env: Env,
) -> None:
    import threading
    import time

    box = env.sandbox(timeout_seconds=60)
    root = box.root
    idle = env.sandbox(timeout_seconds=60)  # never ran anything: removed all the same
    box.start()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = box.exec(env.py(_MARK_AND_SLEEP), timeout=60)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcome["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    marker = "started" if env.backend.name == "local" else "/tmp/started"
    deadline = time.monotonic() + 20
    while True:  # until the command runs
        try:
            if box.read_file(marker, 10) == b"1":
                break
        except FileNotFoundError:
            pass
        assert time.monotonic() < deadline, "the command never started"
        time.sleep(0.05)
    began = time.monotonic()
    assert env.backend.remove_live() == 2
    worker.join(LIVENESS)
    assert not worker.is_alive() and time.monotonic() - began < LIVENESS
    assert isinstance(outcome.get("error"), InfraError), outcome
    assert _leftovers(env, box, root) == []
    assert env.backend.remove_live() == 0  # idempotent: nothing left to remove
    box.cleanup()  # what the unwinding worker still does: a no-op
    idle.cleanup()


# The run marks that it started where it can write (its folder locally, /tmp in a container).
_MARK_AND_SLEEP = (
    "import os, time\n"
    "here = os.getcwd()\n"
    "d = here if os.access(here, os.W_OK) else '/tmp'\n"
    "open(os.path.join(d, 'started'), 'w').write('1')\n"
    "time.sleep(50)\n"
)


# --- images ----------------------------------------------------------------------------------


def test_image_for_names_an_image_whose_python_runs(env: Env) -> None:
    recipe = ImageRecipe(name=f"contract-{env.label[:12]}")
    image = env.backend.image_for(recipe)
    try:
        assert image == env.backend.image_for(recipe)  # stable
        assert bool(image.tag) is env.backend.isolated  # no images without isolation
        spec = SandboxSpec(
            image=image.tag, limits=Limits(timeout_seconds=30), labels={"dsim.test": env.label}
        )
        with env.backend.sandbox(spec) as box:
            probe = "import pytest, sys; print(sys.version_info[0])"
            result = box.exec([image.python, "-c", probe], timeout=30)
        assert result.stdout == b"3\n", result.stderr
    finally:
        if image.tag:  # this test's own tag (a second name for the base image)
            from harness.backends.docker import client

            client().images.remove(image.tag)


# --- registry --------------------------------------------------------------------------------


def test_unknown_backend_name_is_invalid_input_listing_known_names() -> None:
    with pytest.raises(InvalidInput) as info:
        get_backend("no-such-backend")
    message = str(info.value.message)
    assert "no-such-backend" in message
    assert "docker" in message and "local" in message
    assert {"docker", "local"} <= set(backend_names())
