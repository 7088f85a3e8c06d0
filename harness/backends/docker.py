"""The ``docker`` backend: one fresh, hardened container per run (docker SDK, not the CLI).

Every container: no network, a non-root uid drawn per run (a shared uid would let one run's
processes starve another's nproc limit), all capabilities dropped, no-new-privileges, read-only
root with a size-capped tmpfs at /tmp, no /dev/shm (ipc none), swap equal to memory, CPU and pids
limits, an init process (instant stop), logging off, and output drained with a byte cap while a
timed-out run is killed from another thread (a blocking kill while not draining can deadlock).
Containers carry the ``dsim`` label and are removed in ``finally``; :func:`remove_live` removes the
ones still running when the process is interrupted.

Two shapes. A sandbox made for one command (``SandboxSpec.command``, what grading uses) runs it
as the container's own process: its output is read by attaching before the start, its end is the
container's, and a memory kill anywhere in it shows in the engine's ``OOMKilled``. Otherwise the
container sleeps and commands are exec'd into it, as a uid other than the sleeping one's (so a run
cannot stop its container); OOM kills are then read from the container's cgroup counters. Warm
pools (:meth:`DockerBackend.warmed`) use the second shape, since they start containers before
anyone knows what will run in them.

Files go in before the run starts, owned by a user the run is not and read-only to it, at ``/dsim``:
when the engine runs on this machine, as a bind mount of a private folder the harness writes
itself (in ``/dev/shm`` when there is one: no disk, no unpacking process in the engine); otherwise,
or with ``DSIM_DOCKER_COPY=archive``, in a fresh anonymous volume filled with one tar archive. The
folder is removed with its container.
"""

from __future__ import annotations

import io
import os
import posixpath
import random
import shutil
import tarfile
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.backends.base import Backend, ExecResult, Sandbox, SandboxSpec, register
from harness.backends.pool import WarmPool
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


# The container's memory cgroup seen from the host, per cgroup version and driver. A container id
# is unique, so a file found under it is that container's; when the engine is remote or the
# layout differs, none exists and the counters are read from inside the container instead.
_CGROUP_OOM_FILES = (
    "/sys/fs/cgroup/memory/docker/{id}/memory.oom_control",  # v1, cgroupfs driver
    "/sys/fs/cgroup/memory/system.slice/docker-{id}.scope/memory.oom_control",  # v1, systemd
    "/sys/fs/cgroup/docker/{id}/memory.events",  # v2, cgroupfs driver
    "/sys/fs/cgroup/system.slice/docker-{id}.scope/memory.events",  # v2, systemd
)
_HOST_CGROUPS: bool | None = None
"""Whether this process can read containers' cgroups on the host (None: not known yet)."""
_BIND: bool | None = None
"""Whether the engine sees this machine's folders, so files can go in by bind mount (None: not
known yet)."""
_HOST_DIRS: dict[str, Path] = {}
"""Bind-mounted folder per live container id (removed with the container)."""
_ABORTED: set[str] = set()
"""Containers :func:`remove_live` took away from under a running command."""
HOST_DIR_PREFIX = "dsim-sandbox-"

_CLIENT: Any = None
_PING_TTL = 5.0
_pinged_at = -_PING_TTL


def client() -> Any:
    """The process's docker SDK client (one, shared: it pools connections), or InfraError
    saying how to start the engine. The engine is pinged at most once every few seconds: a
    command that asks for the client per image or per run pays for one round trip, not many."""
    global _CLIENT, _pinged_at
    import docker
    from docker.errors import DockerException

    try:
        if _CLIENT is None:
            _CLIENT = docker.from_env(timeout=60, max_pool_size=32)
        cli = _CLIENT
        if time.monotonic() - _pinged_at >= _PING_TTL:
            cli.ping()
            _pinged_at = time.monotonic()
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


def _host_dir_root() -> Path:
    """Where bind-mounted folders are made: a tmpfs when the machine has one."""
    shm = Path("/dev/shm")  # noqa: S108 - each sandbox gets a private mkdtemp folder in it
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())


def _engine_sees_host(cli: Any) -> bool:
    """Does the engine run on this machine, seeing its folders as they are here? Only a local
    socket, no SELinux (a bind mount would need relabelling) and the engine's data folder visible
    from here (not a client inside another container) qualify; creating a container whose
    bind source is missing fails, which switches back to archives for good."""
    global _BIND
    if _BIND is None:
        _BIND = False
        if os.environ.get("DSIM_DOCKER_COPY", "auto") != "archive" \
                and getattr(cli.api, "base_url", "") == "http+docker://localhost":
            try:
                info = cli.info()
            except _api_errors():
                return False
            selinux = any("selinux" in str(o) for o in info.get("SecurityOptions") or [])
            root = str(info.get("DockerRootDir") or "")
            _BIND = not selinux and bool(root) and Path(root).is_dir()
    return _BIND


def _make_folder(folder: Path) -> None:
    """A folder the run may read and enter but not change, whatever the umask."""
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)  # read and enter only: the run must read the tree, never change it


def _write_tree(base: Path, files: Mapping[str, bytes], dest: str) -> None:
    """Write ``files`` under ``dest`` below ``base`` as :func:`_tar` would unpack them: folders
    0755, files 0644, nothing followed or escaping ``base``."""
    for rel, data in sorted(files.items()):
        name = f"{dest}/{rel}".strip("/") if dest else rel
        parts = name.split("/")
        if any(part in ("", ".", "..") for part in parts) or "\\" in name:
            raise ValueError(f"{name!r} escapes the sandbox")
        folder = base
        for part in parts[:-1]:
            folder = folder / part
            try:
                _make_folder(folder)
            except FileExistsError:
                if folder.is_symlink() or not folder.is_dir():
                    raise ValueError(f"{name!r}: {part} is not a folder") from None
        fd = os.open(folder / parts[-1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW,
                     0o644)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(fd, 0o644)
            handle.write(data)


def _is_read_timeout(exc: BaseException) -> bool:
    import requests.exceptions

    return isinstance(exc, requests.exceptions.ReadTimeout | requests.exceptions.ConnectionError) \
        and "timed out" in str(exc).lower()


def _allocate_uid() -> int:
    # Never the harness's own uid or gid: the run must not own the files it is given.
    own = {os.getuid(), os.getgid()}
    with _LIVE_LOCK:
        while True:
            uid = random.randint(20000, 59999)
            if uid not in _UIDS_IN_USE and uid not in own:
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
        # A sandbox for one command runs it as the container's own process (no `docker exec`:
        # ~55 ms less CPU per run), so the command's ending is the container's. Otherwise the
        # container's own processes (init, sleep) run as a second uid: the run cannot signal
        # them, so it cannot stop its container and pass its own ending off as an
        # infrastructure failure (never scored, graded again forever).
        self.one_shot = bool(spec.command)
        self.keeper_uid = self.uid if self.one_shot else _allocate_uid()
        limits = spec.limits
        self.timings: dict[str, float] = {}
        self.host_dir: Path | None = None
        started = time.monotonic()

        def create(mount: Any) -> Any:
            return cli.containers.create(
                spec.image, command=list(spec.command) or ["sleep", "infinity"],
                user=f"{self.keeper_uid}:{self.keeper_uid}",
                network_mode="none", read_only=True, init=True, cap_drop=["ALL"],
                security_opt=["no-new-privileges"], ipc_mode="none",
                tmpfs={"/tmp": f"size={limits.tmpfs_mb}m,mode=1777"},  # noqa: S108
                mem_limit=f"{limits.memory_mb}m", memswap_limit=f"{limits.memory_mb}m",
                nano_cpus=int(limits.cpus * 1e9), pids_limit=limits.pids,
                mounts=[mount], working_dir=ROOT,
                log_config=LogConfig(type="none"), labels={LABEL: "1", **spec.labels},
                environment={"HOME": "/tmp", "LANG": "C.UTF-8"})  # noqa: S108

        try:
            container: Any = None
            if _engine_sees_host(cli):
                container = self._create_bound(create, Mount)
            if container is None:
                container = create(Mount(ROOT, None, type="volume"))
            self.container = container
        except _api_errors() as exc:
            self._release_uid()
            self._remove_host_dir()
            if "No such image" in str(exc) or "not found" in str(exc).lower():
                from harness.backends import images

                images.forget(spec.image)  # looked up (and built) again on the next grading
                raise InfraError(f"image {spec.image} is missing",
                                 hint="build it with `dsim images build`") from exc
            raise InfraError(f"Docker could not create a container: {exc}",
                             hint="check `dsim doctor`") from exc
        with _LIVE_LOCK:
            _LIVE.add(self.container.id)
            if self.host_dir is not None:
                _HOST_DIRS[self.container.id] = self.host_dir
        self.timings["create"] = time.monotonic() - started
        self._started = False
        self._killed = False
        self._looks_killed = False

    def _create_bound(self, create: Any, mount_type: Any) -> Any:
        """Create the container with a private host folder bind-mounted at /dsim, or return
        None (and stop trying, process-wide) when the engine cannot see the folder."""
        global _BIND
        # 0700: other users of this machine cannot read the hidden suites in it.
        outer = Path(tempfile.mkdtemp(prefix=HOST_DIR_PREFIX, dir=_host_dir_root()))
        self.host_dir = outer / "root"
        _make_folder(self.host_dir)
        try:
            return create(mount_type(ROOT, str(self.host_dir), type="bind"))
        except _api_errors() as exc:
            if "bind" not in str(exc) and "mount" not in str(exc):
                raise
            _BIND = False  # the engine does not see this machine's folders: use archives
            self._remove_host_dir()
            return None

    def _remove_host_dir(self) -> None:
        if self.host_dir is not None:
            shutil.rmtree(self.host_dir.parent, ignore_errors=True)
            self.host_dir = None

    def _release_uid(self) -> None:
        with _LIVE_LOCK:
            _UIDS_IN_USE.discard(self.uid)
            _UIDS_IN_USE.discard(self.keeper_uid)

    def assign(self, spec: SandboxSpec) -> None:
        """Give a container made ahead (long-lived, see :class:`WarmPool`) the command of the
        run it is handed to; its labels stay the pool's (they cannot change)."""
        self.spec = replace(self.spec, command=tuple(spec.command))

    def write_files(self, files: Mapping[str, bytes], dest: str) -> None:
        started = time.monotonic()
        try:
            if self.host_dir is not None:
                _write_tree(self.host_dir, files, dest)
            else:
                self.container.put_archive(ROOT, _tar(files, dest))
        except _api_errors() as exc:
            raise InfraError(f"copying files into the container failed: {exc}") from exc
        self.timings["copy_in"] = self.timings.get("copy_in", 0) + time.monotonic() - started

    def start(self) -> None:
        if self._started:  # made and started ahead by a warm pool
            self.timings.setdefault("start", 0.0)
            return
        started = time.monotonic()
        try:
            self.container.start()
        except _api_errors() as exc:
            raise InfraError(f"the container did not start: {exc}") from exc
        self._started = True
        self.timings["start"] = time.monotonic() - started

    def _oom_kills(self) -> int:
        """OOM kills in this container so far (cgroup v1 or v2): read from the host's cgroup
        file when the engine runs on this machine (no process in the container, nothing the run
        can touch), else by a separate process inside the container."""
        text = self._host_oom_events()
        if text is None:
            text = self._container_oom_events()
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill" and value.strip().isdigit():
                return int(value)
        return 0

    def _host_oom_events(self) -> str | None:
        """The container's memory cgroup counters as the host sees them, or None when this
        process cannot see them (remote engine, other cgroup layout or namespace)."""
        global _HOST_CGROUPS
        if _HOST_CGROUPS is False:
            return None
        for pattern in _CGROUP_OOM_FILES:
            try:
                text = Path(pattern.format(id=self.container.id)).read_text()
            except OSError:
                continue
            _HOST_CGROUPS = True
            return text
        if _HOST_CGROUPS is None:  # never found here: stop looking (one engine per process)
            _HOST_CGROUPS = False
        return None

    def _container_oom_events(self) -> str:
        api = self.cli.api
        exec_id = api.exec_create(self.container.id, [
            "sh", "-c", "cat /sys/fs/cgroup/memory/memory.oom_control "
                        "/sys/fs/cgroup/memory.events 2>/dev/null"], user=f"{self.uid}")["Id"]
        text: str = api.exec_start(exec_id).decode(errors="replace")
        return text

    def run(self, *, timeout: float) -> ExecResult:
        if not self.one_shot:  # a long-lived container (made ahead by a warm pool): exec
            return super().run(timeout=timeout)
        if self._started:
            raise RuntimeError("a one-command sandbox runs once")
        api = self.cli.api
        began = time.monotonic()
        try:
            # Attached before the start, so no output is missed (logging is off).
            stream = api.attach(self.container.id, stdout=True, stderr=True, stream=True,
                                logs=False, demux=True)
            self.start()
        except _api_errors() as exc:
            raise InfraError(f"the container did not start: {exc}") from exc
        out, err, truncated, timed_out = self._drain(stream, timeout - (time.monotonic() - began))
        returncode, oom = -9, False
        if not timed_out:
            try:
                # Output ends when the command closes it, which need not be its end.
                left = max(1.0, timeout - (time.monotonic() - began))
                returncode = int(api.wait(self.container.id, timeout=left)["StatusCode"])
            except _api_errors() as exc:
                if not _is_read_timeout(exc):
                    raise InfraError(f"waiting for the run failed: {exc}") from exc
                timed_out = True
                self._kill()
        with _LIVE_LOCK:
            aborted = self.container.id in _ABORTED
        if aborted:
            raise InfraError("the run was interrupted: its container was removed")
        if not timed_out:
            try:
                state = api.inspect_container(self.container.id).get("State") or {}
            except _api_errors() as exc:
                raise InfraError(f"reading the run's end failed: {exc}") from exc
            # Set by the engine when any process of the container was killed for memory.
            oom = bool(state.get("OOMKilled"))
        return ExecResult(returncode=returncode, stdout=out, stderr=err,
                          duration=time.monotonic() - began, timed_out=timed_out,
                          oom_killed=oom, truncated=truncated,
                          start_seconds=self.timings.get("start", 0.0))

    def _drain(self, stream: Iterator[tuple[bytes | None, bytes | None]],
               timeout: float) -> tuple[bytes, bytes, bool, bool]:
        """Read stdout and stderr up to the cap (the rest is read and dropped) until the stream
        ends or ``timeout`` passes; on timeout, kill the container from another thread while
        still draining (a blocking kill while not draining can deadlock)."""
        cap = self.spec.limits.output_bytes
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
        timed_out = not done.wait(max(0.0, timeout))
        if timed_out:
            self._killed = True
            threading.Thread(target=self._kill, daemon=True).start()
            done.wait(30)
        return bytes(out), bytes(err), truncated, timed_out

    def exec(self, argv: Sequence[str], *, timeout: float,
             env: Mapping[str, str] | None = None) -> ExecResult:
        if self.one_shot:
            raise RuntimeError("a one-command sandbox runs its command with run()")
        if not self._started:
            self.start()
        api = self.cli.api
        started = time.monotonic()
        try:
            exec_id = api.exec_create(self.container.id, list(argv), user=f"{self.uid}:{self.uid}",
                                      environment=dict(env or {}), workdir=ROOT)["Id"]
            stream: Iterator[tuple[bytes | None, bytes | None]] = api.exec_start(
                exec_id, stream=True, demux=True)
        except _api_errors() as exc:
            raise InfraError(f"docker exec failed: {exc}") from exc
        out, err, truncated, timed_out = self._drain(stream, timeout)
        duration = time.monotonic() - started
        returncode = -9
        oom = False
        if not timed_out:
            try:
                info = api.exec_inspect(exec_id)
                returncode = info.get("ExitCode")
                returncode = -1 if returncode is None else int(returncode)
                if returncode != 0:
                    self._looks_killed = returncode in (137, -1)
                    oom = self._ended_by_memory_or_raise()
                if not oom:  # (a container the OOM killer stopped has no counters left to read)
                    oom = self._oom_kills() > 0
            except _api_errors() as exc:
                raise InfraError(f"reading the exec result failed: {exc}") from exc
        return ExecResult(returncode=returncode, stdout=out, stderr=err,
                          duration=duration, timed_out=timed_out, oom_killed=oom,
                          truncated=truncated)

    def _ended_by_memory_or_raise(self) -> bool:
        """The command failed: make sure its container did not stop under it. A container
        removed by an interrupt (:func:`remove_live`), killed from outside or lost by the engine
        is an infrastructure failure, never the run's own ending; one stopped because the OOM
        killer took its init is the run's (returns True). The stop can trail the command's end
        by a few milliseconds, so a kill-like exit is watched for a moment."""
        with _LIVE_LOCK:
            aborted = self.container.id in _ABORTED
        if aborted:
            raise InfraError("the run was interrupted: its container was removed")
        for attempt in range(6):
            state = self.cli.api.inspect_container(self.container.id).get("State") or {}
            if not state.get("Running"):
                if state.get("OOMKilled"):
                    return True
                raise InfraError("the container stopped during the run (removed or killed from "
                                 "outside the run, or lost by the engine)")
            if attempt == 5 or not self._looks_killed:
                return False
            time.sleep(0.1)
        return False

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
            _ABORTED.discard(container.id)
            _HOST_DIRS.pop(container.id, None)
        self._remove_host_dir()
        self._release_uid()
        self.container = None


class DockerBackend(Backend):
    name = "docker"
    isolated = True
    python = "python3"

    def __init__(self) -> None:
        self._cli: Any = None
        self._pool: WarmPool | None = None
        self._image_ids: dict[str, str] = {}

    @property
    def cli(self) -> Any:
        if self._cli is None:
            self._cli = client()
        return self._cli

    def check(self) -> None:
        _ = self.cli

    def sandbox(self, spec: SandboxSpec) -> Sandbox:
        pool = self._pool
        box = pool.take(spec) if pool is not None else None
        if isinstance(box, DockerSandbox):
            box.assign(spec)
            return box
        return DockerSandbox(self.cli, spec)

    @contextmanager
    def warmed(self, spares: int) -> Iterator[dict[str, int]]:
        """Containers created and started ahead, in background threads, while other runs use the
        CPUs (create and start are ~40 % of a run's wall time). They carry the ``dsim.warm``
        label instead of the run's labels (labels cannot change after creation)."""
        if self._pool is not None:  # nested: the outer block owns the pool
            yield {}
            return
        counters: dict[str, int] = {}
        self._pool = WarmPool(self._make_started, self._warm_key, spares=spares)
        try:
            yield counters
        finally:
            pool, self._pool = self._pool, None
            pool.close()
            counters.update(pool.stats())

    def _warm_key(self, spec: SandboxSpec) -> tuple[object, ...]:
        """What a container is made from: image id (tags of one image share containers) and
        the limits fixed at creation (the timeout is per command)."""
        image = self._image_ids.get(spec.image)
        if image is None:
            try:
                image = self.cli.images.get(spec.image).id
            except _api_errors():
                image = spec.image  # creating will say what is wrong
            self._image_ids[spec.image] = image
        lim = spec.limits
        return (image, lim.memory_mb, lim.cpus, lim.pids, lim.tmpfs_mb)

    def _make_started(self, spec: SandboxSpec) -> Sandbox:
        box = DockerSandbox(self.cli, replace(spec, labels={"dsim.warm": "1"}, command=()))
        try:
            box.start()
        except BaseException:
            box.cleanup()
            raise
        return box


def remove_live() -> int:
    """Force-remove every container this process still has (on Ctrl-C or SIGTERM)."""
    with _LIVE_LOCK:
        ids = list(_LIVE)
        # Marked before the kill: a command cut off by it must not look like its own ending.
        _ABORTED.update(ids)
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
        folders = [_HOST_DIRS.pop(cid) for cid in ids if cid in _HOST_DIRS]
    for folder in folders:
        shutil.rmtree(folder.parent, ignore_errors=True)
    return len(ids)


def remove_labelled(cli: Any | None = None) -> int:
    """Remove every container carrying the dsim label (leftovers of killed processes), and the
    bind-mounted folders no live sandbox of this process uses."""
    cli = cli or client()
    containers = cli.containers.list(all=True, filters={"label": LABEL})
    for container in containers:
        try:
            container.remove(force=True, v=True)
        except _api_errors():
            pass
    _remove_stale_host_dirs()
    return len(containers)


def _remove_stale_host_dirs() -> list[Path]:
    """Remove this user's bind-mounted folders that no live sandbox of this process uses."""
    with _LIVE_LOCK:
        mine = {d.parent for d in _HOST_DIRS.values()}
    removed = []
    for folder in _host_dir_root().glob(f"{HOST_DIR_PREFIX}*"):
        if folder not in mine and folder.is_dir() and not folder.is_symlink() \
                and folder.stat().st_uid == os.getuid():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


register("docker")(DockerBackend)
