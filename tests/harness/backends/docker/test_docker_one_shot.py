"""A sandbox made for one command runs it as the container's own process (no ``docker exec``).
Every guarantee of the exec path must hold: output with a cap, exit codes, timeouts (also when the
command closes its output and keeps running), a child killed for memory marks the run, files
read-only to the run, nothing left behind; and whatever ends the command is the run's own
ending, never an infrastructure error."""

from __future__ import annotations

import time

import pytest

from harness.backends import Limits, SandboxSpec
from harness.backends.docker import DockerBackend, DockerSandbox
from harness.errors import InfraError

pytestmark = pytest.mark.docker


def one_shot(
    backend: DockerBackend,
    image: str,
    label: str,
    code: str,
    *,
    files: dict[str, bytes] | None = None,
    **limits: float,
):
    values = {"timeout_seconds": 10, "memory_mb": 128, "pids": 64, **limits}
    spec = SandboxSpec(
        image=image,
        limits=Limits(**values),
        labels={"dsim.test": label},
        command=("python3", "-c", code),
    )
    with backend.sandbox(spec) as box:
        assert isinstance(box, DockerSandbox) and box.one_shot
        box.write_files(files or {"x.txt": b"x"}, "tree")
        return box.run(timeout=values["timeout_seconds"])


PROBE = (
    "import os\n"
    "st = os.stat('tree/pkg/data.txt')\n"
    "print(open('tree/pkg/data.txt').read(), st.st_uid == os.getuid(), os.getuid() > 0)\n"
    "try:\n"
    "    open('tree/pkg/data.txt', 'a')\n"
    "except OSError as exc:\n"
    "    print(type(exc).__name__)\n"
    "import sys; print('to stderr', file=sys.stderr); sys.exit(3)\n"
)


def test_output_exit_code_and_read_only_files_either_way(backend, base_image, label, copy_mode):
    result = one_shot(backend, base_image, label, PROBE, files={"pkg/data.txt": b"from-the-host"})
    assert result.returncode == 3
    assert result.stdout.decode().split() == ["from-the-host", "False", "True", "PermissionError"]
    assert result.stderr == b"to stderr\n"
    assert not result.timed_out and not result.oom_killed and result.start_seconds > 0


def test_a_child_killed_for_memory_marks_the_run_even_when_the_parent_exits_0(
    backend, base_image, label
):
    result = one_shot(
        backend,
        base_image,
        label,
        (
            "import subprocess, sys\n"
            "child = subprocess.run([sys.executable, '-c', 'x = bytearray(1 << 30)'])\n"
            "print('child', child.returncode)\n"
        ),
        memory_mb=96,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == b"child -9"
    assert result.oom_killed


def test_a_command_that_never_ends_times_out(backend, base_image, label):
    began = time.monotonic()
    result = one_shot(backend, base_image, label, "while True: pass", timeout_seconds=2)
    assert result.timed_out and time.monotonic() - began < 15


def test_closing_its_output_and_running_on_still_times_out(backend, base_image, label):
    began = time.monotonic()
    result = one_shot(
        backend,
        base_image,
        label,
        ("import os, time\nprint('bye', flush=True)\nos.close(1)\nos.close(2)\ntime.sleep(600)\n"),
        timeout_seconds=2,
    )
    assert result.timed_out and result.stdout == b"bye\n"
    assert time.monotonic() - began < 15


def test_killing_every_process_in_sight_is_the_runs_own_ending(backend, base_image, label):
    result = one_shot(
        backend,
        base_image,
        label,
        (
            "import os, signal\n"
            "for pid in os.listdir('/proc'):\n"
            "    if pid.isdigit():\n"
            "        try:\n"
            "            os.kill(int(pid), signal.SIGKILL)\n"
            "        except OSError:\n"
            "            pass\n"
        ),
    )
    assert result.returncode != 0 and not result.timed_out  # no InfraError raised


def test_output_past_the_cap_is_dropped_and_the_run_returns(backend, base_image, label):
    result = one_shot(
        backend,
        base_image,
        label,
        (
            "import sys\nblock = b'x' * (1 << 20)\n"
            "for _ in range(64):\n    sys.stdout.buffer.write(block)\n"
        ),
    )
    assert result.returncode == 0 and result.truncated
    assert len(result.stdout) == Limits().output_bytes


def test_an_interrupt_that_removes_the_container_is_an_infrastructure_error(
    backend, base_image, label
):
    import threading

    spec = SandboxSpec(
        image=base_image,
        limits=Limits(timeout_seconds=30),
        labels={"dsim.test": label},
        command=("sleep", "20"),
    )
    with backend.sandbox(spec) as box:
        box.write_files({"x": b"1"}, "")
        timer = threading.Timer(1.0, backend.remove_live)
        timer.start()
        try:
            with pytest.raises(InfraError, match="interrupted"):
                box.run(timeout=30)
        finally:
            timer.join()


def test_a_one_command_sandbox_runs_once_and_refuses_exec(backend, base_image, label):
    spec = SandboxSpec(
        image=base_image,
        limits=Limits(timeout_seconds=10),
        labels={"dsim.test": label},
        command=("true",),
    )
    with backend.sandbox(spec) as box:
        with pytest.raises(RuntimeError):
            box.exec(["true"], timeout=10)
        assert box.run(timeout=10).returncode == 0
        with pytest.raises(RuntimeError):
            box.run(timeout=10)
