"""The ``docker`` backend: one fresh, hardened container per run (docker SDK, not the CLI).

Every container: no network, a non-root uid drawn per run (a shared uid would let one run's
processes starve another's nproc limit), all capabilities dropped, no-new-privileges, read-only
root with a size-capped tmpfs at /tmp, no /dev/shm (ipc none), swap equal to memory, CPU and pids
limits, an init process (instant stop), logging off, and output drained with a byte cap while a
timed-out run is killed from another thread (a blocking kill while not draining can deadlock).
Containers carry the ``dsim`` label and are removed in ``finally``; :func:`remove_live` removes the
ones still running when the process is interrupted.
"""

from __future__ import annotations

import io
import posixpath
import random
import tarfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from harness.backends.base import Backend, ExecResult, Sandbox, SandboxSpec, register
from harness.errors import InfraError

LABEL = "dsim"
ROOT = "/dsim"
_LIVE: set[str] = set()
_LIVE_LOCK = threading.Lock()
_UIDS_IN_USE: set[int] = set()
# Reads one regular file from /tmp inside the container (a tmpfs the archive API cannot see):
# never follows a final symlink, never blocks on a FIFO, prints at most argv[2] bytes.
_READ_TMPFS = (
    "import os, stat, sys\n"
    "try:\n"
    "    fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)\n"
    "except OSError:\n"
    "    sys.exit(2)\n"
    "if not stat.S_ISREG(os.fstat(fd).st_mode):\n"
    "    sys.exit(2)\n"
    "left = int(sys.argv[2])\n"
    "while left > 0:\n"
    "    chunk = os.read(fd, min(left, 1 << 20))\n"
    "    if not chunk:\n"
    "        break\n"
    "    sys.stdout.buffer.write(chunk)\n"
    "    left -= len(chunk)\n")


_CLIENT: Any = None


def client() -> Any:
    """The process's docker SDK client (one, shared: it pools connections), or InfraError
    saying how to start the engine."""
    global _CLIENT
    import docker
    from docker.errors import DockerException

    try:
        if _CLIENT is None:
            _CLIENT = docker.from_env(timeout=60, max_pool_size=32)
        cli = _CLIENT
        cli.ping()
    except DockerException as exc:
        raise InfraError(
            f"Docker engine not reachable ({exc.__class__.__name__})",
            hint="start it with `bash scripts/setup.sh` (installs docker.io and starts dockerd) "
                 "or `dockerd &`, then check `dsim doctor`") from exc
    return cli


def _api_errors() -> tuple[type[BaseException], ...]:
    import docker.errors
    import requests.exceptions

    return (docker.errors.DockerException, requests.exceptions.RequestException, OSError)


def _tar(files: Mapping[str, bytes], dest: str) -> bytes:
    """A tar of ``files`` under ``dest``: owned by root, read-only to everyone else."""
    buf = io.BytesIO()
    dirs: set[str] = set()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for rel, data in sorted(files.items()):
            name = f"{dest}/{rel}".strip("/") if dest else rel
            parts = name.split("/")
            for depth in range(1, len(parts)):
                folder = "/".join(parts[:depth])
                if folder not in dirs:
                    dirs.add(folder)
                    info = tarfile.TarInfo(folder)
                    info.type, info.mode, info.uid, info.gid = tarfile.DIRTYPE, 0o755, 0, 0
                    tar.addfile(info)
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.uid, info.gid, info.mtime = len(data), 0o644, 0, 0, 0
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _allocate_uid() -> int:
    with _LIVE_LOCK:
        while True:
            uid = random.randint(20000, 59999)
            if uid not in _UIDS_IN_USE:
                _UIDS_IN_USE.add(uid)
                return uid


class DockerSandbox(Sandbox):
    isolated = True
    root = ROOT

    def __init__(self, cli: Any, spec: SandboxSpec) -> None:
        from docker.types import LogConfig, Mount

        self.cli = cli
        self.spec = spec
        self.uid = _allocate_uid()
        limits = spec.limits
        self.timings: dict[str, float] = {}
        started = time.monotonic()
        try:
            self.container = cli.containers.create(
                spec.image, command=["sleep", "infinity"], user=f"{self.uid}:{self.uid}",
                network_mode="none", read_only=True, init=True, cap_drop=["ALL"],
                security_opt=["no-new-privileges"], ipc_mode="none",
                tmpfs={"/tmp": f"size={limits.tmpfs_mb}m,mode=1777"},  # noqa: S108
                mem_limit=f"{limits.memory_mb}m", memswap_limit=f"{limits.memory_mb}m",
                nano_cpus=int(limits.cpus * 1e9), pids_limit=limits.pids,
                mounts=[Mount(ROOT, None, type="volume")], working_dir=ROOT,
                log_config=LogConfig(type="none"), labels={LABEL: "1", **spec.labels},
                environment={"HOME": "/tmp", "LANG": "C.UTF-8"})  # noqa: S108
        except _api_errors() as exc:
            self._release_uid()
            if "No such image" in str(exc) or "not found" in str(exc).lower():
                raise InfraError(f"image {spec.image} is missing",
                                 hint="build it with `dsim images build`") from exc
            raise InfraError(f"Docker could not create a container: {exc}",
                             hint="check `dsim doctor`") from exc
        with _LIVE_LOCK:
            _LIVE.add(self.container.id)
        self.timings["create"] = time.monotonic() - started
        self._started = False
        self._killed = False

    def _release_uid(self) -> None:
        with _LIVE_LOCK:
            _UIDS_IN_USE.discard(self.uid)

    def write_files(self, files: Mapping[str, bytes], dest: str) -> None:
        started = time.monotonic()
        try:
            self.container.put_archive(ROOT, _tar(files, dest))
        except _api_errors() as exc:
            raise InfraError(f"copying files into the container failed: {exc}") from exc
        self.timings["copy_in"] = self.timings.get("copy_in", 0) + time.monotonic() - started

    def start(self) -> None:
        started = time.monotonic()
        try:
            self.container.start()
        except _api_errors() as exc:
            raise InfraError(f"the container did not start: {exc}") from exc
        self._started = True
        self.timings["start"] = time.monotonic() - started

    def _oom_kills(self) -> int:
        """OOM kills in this container so far (cgroup v1 or v2), read by a separate process."""
        api = self.cli.api
        exec_id = api.exec_create(self.container.id, [
            "sh", "-c", "cat /sys/fs/cgroup/memory/memory.oom_control "
                        "/sys/fs/cgroup/memory.events 2>/dev/null"], user=f"{self.uid}")["Id"]
        text = api.exec_start(exec_id).decode(errors="replace")
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill" and value.strip().isdigit():
                return int(value)
        return 0

    def exec(self, argv: Sequence[str], *, timeout: float,
             env: Mapping[str, str] | None = None) -> ExecResult:
        if not self._started:
            self.start()
        cap = self.spec.limits.output_bytes
        api = self.cli.api
        started = time.monotonic()
        try:
            exec_id = api.exec_create(self.container.id, list(argv), user=f"{self.uid}:{self.uid}",
                                      environment=dict(env or {}), workdir=ROOT)["Id"]
            stream: Iterator[tuple[bytes | None, bytes | None]] = api.exec_start(
                exec_id, stream=True, demux=True)
        except _api_errors() as exc:
            raise InfraError(f"docker exec failed: {exc}") from exc
        out, err = bytearray(), bytearray()
        truncated = False
        done = threading.Event()

        def drain() -> None:
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
            except _api_errors():
                pass  # the container was killed under us: the stream ends
            finally:
                done.set()

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        timed_out = not done.wait(timeout)
        if timed_out:
            self._killed = True
            # Kill from another thread while the reader keeps draining.
            threading.Thread(target=self._kill, daemon=True).start()
            done.wait(30)
        duration = time.monotonic() - started
        returncode = -9
        oom = False
        if not timed_out:
            try:
                info = api.exec_inspect(exec_id)
                returncode = info.get("ExitCode")
                returncode = -1 if returncode is None else int(returncode)
                oom = self._oom_kills() > 0
            except _api_errors() as exc:
                raise InfraError(f"reading the exec result failed: {exc}") from exc
        return ExecResult(returncode=returncode, stdout=bytes(out), stderr=bytes(err),
                          duration=duration, timed_out=timed_out, oom_killed=oom,
                          truncated=truncated)

    def _kill(self) -> None:
        try:
            self.container.kill()
        except _api_errors():
            pass

    def read_file(self, path: str, max_bytes: int) -> bytes:
        from docker.errors import NotFound

        full = posixpath.normpath(path if path.startswith("/") else f"{ROOT}/{path}")
        if full.startswith("/tmp/"):  # noqa: S108 - the container's own tmpfs
            return self._read_tmpfs(path, full, max_bytes)
        try:
            chunks, _ = self.container.get_archive(full)
        except NotFound as exc:
            raise FileNotFoundError(path) from exc
        except _api_errors() as exc:
            raise InfraError(f"reading {path} from the container failed: {exc}") from exc
        raw = bytearray()
        for chunk in chunks:  # the archive is capped too: a tar header plus the file
            raw.extend(chunk)
            if len(raw) > max_bytes + 64 * 1024:
                break
        with tarfile.open(fileobj=io.BytesIO(bytes(raw)), mode="r|") as tar:
            for member in tar:
                if not member.isreg():
                    raise FileNotFoundError(f"{path} is not a regular file; not followed")
                handle = tar.extractfile(member)
                return handle.read(max_bytes) if handle else b""
        raise FileNotFoundError(path)

    def _read_tmpfs(self, path: str, full: str, max_bytes: int) -> bytes:
        """Read from the /tmp tmpfs (the run's only writable place) with a process inside the
        container, as the run's uid; a stopped container has no /tmp left to read."""
        api = self.cli.api
        try:
            self.container.reload()
            running = self.container.status == "running"
        except _api_errors() as exc:
            raise InfraError(f"reading {path} from the container failed: {exc}") from exc
        if not running or self._killed:  # killed at a timeout: its tmpfs is gone or going
            raise FileNotFoundError(path)
        try:
            exec_id = api.exec_create(self.container.id, [
                "python3", "-I", "-S", "-c", _READ_TMPFS, full, str(max(0, max_bytes))],
                user=f"{self.uid}:{self.uid}")["Id"]
            out, _ = api.exec_start(exec_id, demux=True)
            code = api.exec_inspect(exec_id).get("ExitCode")
        except _api_errors() as exc:
            raise InfraError(f"reading {path} from the container failed: {exc}") from exc
        if code == 2:
            raise FileNotFoundError(f"{path} is missing or not a regular file; not followed")
        if code != 0:
            raise InfraError(f"reading {path} from the container failed (exit code {code})")
        return (out or b"")[:max_bytes]

    def cleanup(self) -> None:
        container = getattr(self, "container", None)
        if container is None:
            return
        try:
            container.remove(force=True, v=True)
        except _api_errors():
            try:  # escalate: kill, then remove again
                container.kill()
                container.remove(force=True, v=True)
            except _api_errors():
                pass
        with _LIVE_LOCK:
            _LIVE.discard(container.id)
        self._release_uid()
        self.container = None


class DockerBackend(Backend):
    name = "docker"
    isolated = True
    python = "python3"

    def __init__(self) -> None:
        self._cli: Any = None

    @property
    def cli(self) -> Any:
        if self._cli is None:
            self._cli = client()
        return self._cli

    def check(self) -> None:
        _ = self.cli

    def sandbox(self, spec: SandboxSpec) -> Sandbox:
        return DockerSandbox(self.cli, spec)


def remove_live() -> int:
    """Force-remove every container this process still has (on Ctrl-C or SIGTERM)."""
    with _LIVE_LOCK:
        ids = list(_LIVE)
    if not ids:
        return 0
    cli = client()
    for cid in ids:
        try:
            cli.api.remove_container(cid, force=True, v=True)
        except _api_errors():
            pass
    with _LIVE_LOCK:
        _LIVE.difference_update(ids)
    return len(ids)


def remove_labelled(cli: Any | None = None) -> int:
    """Remove every container carrying the dsim label (leftovers of killed processes)."""
    cli = cli or client()
    containers = cli.containers.list(all=True, filters={"label": LABEL})
    for container in containers:
        try:
            container.remove(force=True, v=True)
        except _api_errors():
            pass
    return len(containers)


register("docker")(DockerBackend)
