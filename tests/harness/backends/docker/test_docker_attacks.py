"""Hostile code in a docker sandbox: each attack is run for real in a hardened container, its
expected outcome asserted, and then the same backend must still run a fresh sandbox normally.

Limits are small (128-256 MB, 5-10 s) so every test stays well under 20 s. Durations are liveness
bounds only.
"""

from __future__ import annotations

import json
import os

import pytest

from harness.backends import ExecResult, Limits, Sandbox, SandboxSpec
from harness.backends.docker import DockerBackend

pytestmark = pytest.mark.docker

LIVENESS = 15.0


def sandbox(backend: DockerBackend, image: str, label: str, **limits: float) -> Sandbox:
    values = {"memory_mb": 128, "timeout_seconds": 5, "pids": 64, "tmpfs_mb": 32, **limits}
    return backend.sandbox(
        SandboxSpec(image=image, limits=Limits(**values), labels={"dsim.test": label})
    )


def attack(
    backend: DockerBackend,
    image: str,
    label: str,
    code: str,
    *,
    timeout: float = 5,
    **limits: float,
) -> ExecResult:
    with sandbox(backend, image, label, timeout_seconds=timeout, **limits) as box:
        return box.exec(["python3", "-c", code], timeout=timeout)


def assert_still_works(backend: DockerBackend, image: str, label: str) -> None:
    """The attack broke nothing: a fresh sandbox on the same backend runs normally."""
    with sandbox(backend, image, label) as box:
        result = box.exec(["python3", "-c", "print(1)"], timeout=30)
    assert result.stdout == b"1\n", result
    assert bool(result)


def test_fork_bomb_is_held_at_the_pids_limit(backend, base_image, label):
    pids = 64
    result = attack(
        backend,
        base_image,
        label,
        (
            "import os, time\n"
            "n = 0\n"
            "while True:\n"  # first count how far forking gets, then bomb
            "    try:\n"
            "        pid = os.fork()\n"
            "    except OSError as exc:\n"
            "        print(n, exc.errno, flush=True)\n"
            "        break\n"
            "    if pid == 0:\n"
            "        time.sleep(600)\n"
            "        os._exit(0)\n"
            "    n += 1\n"
            "while True:\n"
            "    try:\n"
            "        os.fork()\n"
            "    except OSError:\n"
            "        pass\n"
        ),
        timeout=5,
        pids=pids,
    )
    forked, errno_ = map(int, result.stdout.split())
    assert errno_ == 11  # EAGAIN: the pids cgroup refused the next fork
    assert 0 < forked < pids
    assert result.timed_out or result.returncode != 0
    assert not result
    assert result.duration < 5 + LIVENESS
    assert_still_works(backend, base_image, label)


def test_allocating_10_gb_is_killed_for_memory(backend, base_image, label):
    result = attack(
        backend, base_image, label, "x = b'x' * (10 * 1024 ** 3)\nprint('survived')", memory_mb=128
    )
    assert b"survived" not in result.stdout
    assert result.returncode != 0
    assert result.oom_killed or b"MemoryError" in result.stderr, result
    assert not result
    assert_still_works(backend, base_image, label)


def test_child_killed_for_memory_marks_the_run_even_when_the_parent_exits_0(
    backend, base_image, label
):
    result = attack(
        backend,
        base_image,
        label,
        (
            "import subprocess, sys\n"
            "child = subprocess.run([sys.executable, '-c', \"x = b'x' * (1024 ** 3)\"])\n"
            "print(child.returncode)\n"
        ),
        memory_mb=128,
    )
    assert result.returncode == 0
    assert result.stdout == b"-9\n"  # the child was SIGKILLed by the OOM killer
    assert result.oom_killed is True
    assert not result
    assert_still_works(backend, base_image, label)


def test_infinite_loop_times_out(backend, base_image, label):
    result = attack(backend, base_image, label, "while True:\n    pass\n", timeout=3)
    assert result.timed_out is True
    assert not result
    assert 3 <= result.duration < 3 + LIVENESS
    assert_still_works(backend, base_image, label)


def test_filling_the_disk_hits_the_tmpfs_cap_and_everything_else_is_read_only(
    backend, base_image, label
):
    tmpfs_mb = 32
    result = attack(
        backend,
        base_image,
        label,
        (
            "import errno, json, time\n"
            "chunk = b'x' * (1 << 20)\n"
            "report = {}\n"
            "for path in ['/tmp/fill', '/fill', '/dsim/fill', '/usr/fill', '/var/tmp/fill']:\n"
            "    started, written = time.monotonic(), 0\n"
            "    try:\n"
            "        with open(path, 'wb') as f:\n"
            "            for _ in range(5 * 1024):\n"  # 5 GB in 1 MB chunks
            "                f.write(chunk)\n"
            "                f.flush()\n"
            "                written += 1\n"
            "        error = None\n"
            "    except OSError as exc:\n"
            "        error = errno.errorcode[exc.errno]\n"
            "    report[path] = [error, written, time.monotonic() - started]\n"
            "print(json.dumps(report))\n"
        ),
        timeout=10,
        memory_mb=256,
        tmpfs_mb=tmpfs_mb,
    )
    assert result.returncode == 0, result
    report = json.loads(result.stdout)
    error, written_mb, seconds = report["/tmp/fill"]
    assert error == "ENOSPC"
    assert written_mb <= tmpfs_mb
    assert seconds < 5
    assert report["/fill"][:2] == ["EROFS", 0]
    assert report["/usr/fill"][:2] == ["EROFS", 0]
    assert report["/var/tmp/fill"][:2] == ["EROFS", 0]
    assert report["/dsim/fill"][:2] == ["EACCES", 0]  # the volume is root's, the run is not
    assert_still_works(backend, base_image, label)


def test_printing_1_gb_is_truncated_and_returns(backend, base_image, label):
    cap = 64 * 1024
    result = attack(
        backend,
        base_image,
        label,
        (
            "import sys\n"
            "chunk = b'x' * (1 << 20)\n"
            "for _ in range(1024):\n"
            "    sys.stdout.buffer.write(chunk)\n"
            "sys.stdout.flush()\n"
            "sys.stderr.write('finished')\n"
        ),
        timeout=10,
        output_bytes=cap,
    )
    assert result.truncated is True
    assert len(result.stdout) <= cap
    assert result.stdout == b"x" * len(result.stdout)
    assert result.duration < 10 + LIVENESS
    if not result.timed_out:  # the whole GB was drained (and dropped) in time
        assert result.returncode == 0
        assert result.stderr == b"finished"
    assert_still_works(backend, base_image, label)


def test_no_network_to_the_internet_or_the_host(backend, base_image, label):
    result = attack(
        backend,
        base_image,
        label,
        (
            "import errno, json, socket\n"
            "report = {}\n"
            "for host, port in [('8.8.8.8', 53), ('172.17.0.1', 2375), ('172.17.0.1', 22),\n"
            "                   ('172.17.0.1', 80)]:\n"
            "    s = socket.socket()\n"
            "    s.settimeout(3)\n"
            "    try:\n"
            "        s.connect((host, port))\n"
            "        report[f'{host}:{port}'] = 'connected'\n"
            "    except OSError as exc:\n"
            "        report[f'{host}:{port}'] = errno.errorcode.get(exc.errno, str(exc))\n"
            "    finally:\n"
            "        s.close()\n"
            "report['interfaces'] = sorted(line.split(':')[0].strip()\n"
            "                              for line in open('/proc/net/dev').readlines()[2:])\n"
            "print(json.dumps(report))\n"
        ),
        timeout=10,
    )
    assert result.returncode == 0, result
    report = json.loads(result.stdout)
    assert report.pop("interfaces") == ["lo"]
    assert set(report) == {"8.8.8.8:53", "172.17.0.1:2375", "172.17.0.1:22", "172.17.0.1:80"}
    # Refused at once for want of any route (network none), not merely filtered or timed out.
    assert report == dict.fromkeys(report, "ENETUNREACH")
    assert_still_works(backend, base_image, label)


def test_host_processes_are_invisible(backend, base_image, label):
    host_pid = os.getpid()
    result = attack(
        backend,
        base_image,
        label,
        (
            "import json, os\n"
            "pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n"
            "try:\n"
            "    raw = open('/proc/1/environ', 'rb').read().decode()\n"
            "    environ = dict(e.split('=', 1) for e in raw.split('\\0') if e)\n"
            "except OSError as exc:\n"
            "    environ = type(exc).__name__\n"
            "import socket\n"
            "environ_host = socket.gethostname()\n"
            "cmdline = open('/proc/1/cmdline', 'rb').read().split(b'\\0')[0].decode()\n"
            f"print(json.dumps({{'pids': pids, 'environ': environ, 'init': cmdline,\n"
            f"                  'hostname': environ_host,\n"
            f"                  'host_pid_visible': os.path.exists('/proc/{host_pid}')}}))\n"
        ),
    )
    assert result.returncode == 0, result
    report = json.loads(result.stdout)
    assert report["host_pid_visible"] is False
    # /proc/1 is the container's own init (it runs as the run's uid, so its environment may be
    # readable): only the few variables docker gives a container, never the host's environment.
    environ = report["environ"]
    if environ != "PermissionError":
        assert set(environ) <= {"PATH", "HOSTNAME", "HOME", "LANG"}, environ
        assert environ.get("HOSTNAME") == report["hostname"]  # the container's, not the host's
    assert report["init"].endswith("docker-init")  # pid 1 is the container's init, not the host's
    assert 1 in report["pids"]
    assert len(report["pids"]) <= 6, report["pids"]  # init, sleep, this python: a handful
    assert max(report["pids"]) < 20, report["pids"]
    assert_still_works(backend, base_image, label)


def test_runs_as_non_root_with_distinct_uids_for_concurrent_sandboxes(backend, base_image, label):
    probe = ["python3", "-c", "import os; print(os.getuid(), os.getgid(), os.geteuid())"]
    with sandbox(backend, base_image, label) as one, sandbox(backend, base_image, label) as two:
        first = one.exec(probe, timeout=10)
        second = two.exec(probe, timeout=10)
    uid1, gid1, euid1 = map(int, first.stdout.split())
    uid2, gid2, euid2 = map(int, second.stdout.split())
    assert 0 not in (uid1, gid1, euid1, uid2, gid2, euid2)
    assert uid1 == euid1 and uid2 == euid2
    assert uid1 != uid2
    assert_still_works(backend, base_image, label)


def test_dev_shm_is_absent_or_not_writable(backend, base_image, label):
    result = attack(
        backend,
        base_image,
        label,
        (
            "try:\n"
            "    with open('/dev/shm/x', 'wb') as f:\n"
            "        f.write(b'x' * 1024)\n"
            "    print('written')\n"
            "except OSError as exc:\n"
            "    print(type(exc).__name__)\n"
        ),
    )
    assert result.returncode == 0, result
    assert result.stdout.strip() in (b"FileNotFoundError", b"PermissionError", b"OSError")
    assert_still_works(backend, base_image, label)
