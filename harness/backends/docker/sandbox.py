"""One fresh, hardened container for one run: the docker backend's :class:`Sandbox`.

Every container: no network, a non-root uid drawn per run (:mod:`.uids`), all capabilities
dropped, no-new-privileges, read-only root with a size-capped tmpfs at /tmp, no /dev/shm (ipc
none), swap equal to memory, CPU and pids limits, an init process (instant stop), logging off,
the ``dsim`` label, and output drained with a byte cap (:mod:`.drain`). It is registered with the
runtime's live containers from creation to removal, so an interrupt can always remove it.

Two shapes. A sandbox made for one command (``SandboxSpec.command``, what grading uses) runs it
as the container's own process: its output is read by attaching before the start, its end is the
container's, and a memory kill anywhere in it shows in the engine's ``OOMKilled``. Otherwise the
container sleeps and commands are exec'd into it as a uid other than the sleeping one's (so a run
cannot stop its container and pass its own ending off as an infrastructure failure); OOM kills
are then read from cgroup counters (:mod:`.oom`). Warm pools use the second shape, since they
start containers before anyone knows what will run in them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.backends.base import ExecResult, Sandbox, SandboxSpec, Watch
from harness.backends.docker import copyin, oom
from harness.backends.docker.cleanup import LABEL
from harness.backends.docker.copyin import ROOT
from harness.backends.docker.engine import api_errors, is_read_timeout
from harness.backends.docker.readback import read_archived, read_tmpfs
from harness.backends.drain import Chunks, Drained, drain
from harness.errors import InfraError

if TYPE_CHECKING:
    from harness.backends.docker.runtime import DockerRuntime

INTERRUPTED = "the run was interrupted: its container was removed"


class DockerSandbox(Sandbox):
    isolated = True
    root = ROOT

    def __init__(self, spec: SandboxSpec, *, runtime: DockerRuntime, cli: Any) -> None:
        """Create the container (not started) and put it in ``runtime``'s live containers.

        Raises:
            InfraError: the image is missing (and forgotten, so the next lookup rebuilds it) or
                the engine could not create the container.
        """
        self.runtime = runtime
        self.cli = cli
        self.spec = spec
        self.uid = runtime.uids.allocate()
        # A sandbox for one command runs it as the container's own process (no `docker exec`:
        # ~55 ms less CPU per run), so the command's ending is the container's. Otherwise the
        # container's own processes (init, sleep) run as a second uid: the run cannot signal
        # them, so it cannot stop its container and pass its own ending off as an
        # infrastructure failure (never scored, graded again forever).
        self.one_shot = bool(spec.command)
        self.keeper_uid = self.uid if self.one_shot else runtime.uids.allocate()
        self.timings: dict[str, float] = {}
        self.host_dir: Path | None = None
        self.container: Any = None
        started = time.monotonic()
        try:
            if runtime.copy_in.uses_bind(cli):
                self.container = self._create_bound()
            if self.container is None:
                self.container = self._create(_mount(ROOT, None, "volume"))
        except api_errors() as exc:
            self._release_uid()
            self._remove_host_dir()
            if "No such image" in str(exc) or "not found" in str(exc).lower():
                runtime.images.forget(spec.image)  # looked up (and built) again next grading
                raise InfraError(
                    f"image {spec.image} is missing", hint="build it with `dsim images build`"
                ) from exc
            raise InfraError(
                f"Docker could not create a container: {exc}", hint="check `dsim doctor`"
            ) from exc
        runtime.live.add(self.container.id, self.host_dir)
        self.timings["create"] = time.monotonic() - started
        self._started = False
        self._killed = False

    def _create(self, mount: Any) -> Any:
        from docker.types import LogConfig

        spec, limits, keeper = self.spec, self.spec.limits, self.keeper_uid
        return self.cli.containers.create(
            spec.image,
            command=list(spec.command) or ["sleep", "infinity"],
            user=f"{keeper}:{keeper}",
            network_mode="none",
            read_only=True,
            init=True,
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            ipc_mode="none",
            tmpfs={"/tmp": f"size={limits.tmpfs_mb}m,mode=1777"},  # noqa: S108
            mem_limit=f"{limits.memory_mb}m",
            memswap_limit=f"{limits.memory_mb}m",
            nano_cpus=int(limits.cpus * 1e9),
            pids_limit=limits.pids,
            mounts=[mount],
            working_dir=ROOT,
            log_config=LogConfig(type="none"),
            labels={LABEL: "1", **self.runtime.labels, **spec.labels},
            environment={"HOME": "/tmp", "LANG": "C.UTF-8"},  # noqa: S108 - the sandbox's tmpfs
        )

    def _create_bound(self) -> Any:
        """Create the container with a private host folder bind-mounted at /dsim, or return
        None (and stop trying, for the whole runtime) when the engine cannot see the folder."""
        self.host_dir = self.runtime.copy_in.new_folder()
        try:
            return self._create(_mount(ROOT, str(self.host_dir), "bind"))
        except api_errors() as exc:
            if "bind" not in str(exc) and "mount" not in str(exc):
                raise
            self.runtime.copy_in.refused()  # the engine does not see our folders: use archives
            self._remove_host_dir()
            return None

    def _remove_host_dir(self) -> None:
        if self.host_dir is not None:
            copyin.remove_folder(self.host_dir)
            self.host_dir = None

    def _release_uid(self) -> None:
        self.runtime.uids.release(self.uid, self.keeper_uid)

    def assign(self, spec: SandboxSpec) -> None:
        """Give a container made ahead (long-lived, see :class:`WarmPool`) the command of the
        run it is handed to; its labels stay the pool's (they cannot change)."""
        self.spec = replace(self.spec, command=tuple(spec.command))

    def write_files(self, files: Mapping[str, bytes], dest: str) -> None:
        started = time.monotonic()
        try:
            if self.host_dir is not None:
                copyin.write_tree(self.host_dir, files, dest)
            else:
                self.container.put_archive(ROOT, copyin.tar(files, dest))
        except api_errors() as exc:
            raise InfraError(f"copying files into the container failed: {exc}") from exc
        self.timings["copy_in"] = self.timings.get("copy_in", 0) + time.monotonic() - started

    def start(self) -> None:
        if self._started:  # made and started ahead by a warm pool
            self.timings.setdefault("start", 0.0)
            return
        started = time.monotonic()
        try:
            self.container.start()
        except api_errors() as exc:
            raise InfraError(f"the container did not start: {exc}") from exc
        self._started = True
        self.timings["start"] = time.monotonic() - started

    def run(self, *, timeout: float, watch: Watch | None = None) -> ExecResult:
        if not self.one_shot:  # a long-lived container (made ahead by a warm pool): exec
            return super().run(timeout=timeout, watch=watch)
        if self._started:
            raise RuntimeError("a one-command sandbox runs once")
        api = self.cli.api
        began = time.monotonic()
        try:
            # Attached before the start, so no output is missed (logging is off).
            stream = api.attach(
                self.container.id, stdout=True, stderr=True, stream=True, logs=False, demux=True
            )
            self.start()
        except api_errors() as exc:
            raise InfraError(f"the container did not start: {exc}") from exc
        got = self._drain(stream, timeout - (time.monotonic() - began), watch)
        returncode, timed_out, oom_killed = -9, got.timed_out, False
        if not timed_out and not got.stopped:
            try:
                # Output ends when the command closes it, which need not be its end.
                left = max(1.0, timeout - (time.monotonic() - began))
                returncode = int(api.wait(self.container.id, timeout=left)["StatusCode"])
            except api_errors() as exc:
                if not is_read_timeout(exc):
                    raise InfraError(f"waiting for the run failed: {exc}") from exc
                timed_out = True
                self._kill()
        if self.runtime.live.aborted(self.container.id):
            raise InfraError(INTERRUPTED)
        if not timed_out and not got.stopped:
            try:
                oom_killed = oom.flagged(api, self.container.id)
            except api_errors() as exc:
                raise InfraError(f"reading the run's end failed: {exc}") from exc
        return ExecResult(
            returncode=returncode,
            stdout=got.stdout,
            stderr=got.stderr,
            duration=time.monotonic() - began,
            timed_out=timed_out,
            oom_killed=oom_killed,
            truncated=got.truncated,
            start_seconds=self.timings.get("start", 0.0),
            stopped=got.stopped,
        )

    def exec(
        self,
        argv: Sequence[str],
        *,
        timeout: float,
        env: Mapping[str, str] | None = None,
        watch: Watch | None = None,
    ) -> ExecResult:
        if self.one_shot:
            raise RuntimeError("a one-command sandbox runs its command with run()")
        if not self._started:
            self.start()
        api = self.cli.api
        started = time.monotonic()
        try:
            exec_id = api.exec_create(
                self.container.id,
                list(argv),
                user=f"{self.uid}:{self.uid}",
                environment=dict(env or {}),
                workdir=ROOT,
            )["Id"]
            stream: Iterator[tuple[bytes | None, bytes | None]] = api.exec_start(
                exec_id, stream=True, demux=True
            )
        except api_errors() as exc:
            raise InfraError(f"docker exec failed: {exc}") from exc
        got = self._drain(stream, timeout, watch)
        duration = time.monotonic() - started
        returncode, oom_killed = -9, False
        if not got.timed_out and not got.stopped:
            try:
                code = api.exec_inspect(exec_id).get("ExitCode")
                returncode = -1 if code is None else int(code)
                if returncode != 0:
                    oom_killed = self._stopped_by_memory(looks_killed=returncode in (137, -1))
                if not oom_killed:  # (a container the OOM killer stopped has no counters left)
                    oom_killed = self.runtime.oom.kills(api, self.container.id, self.uid) > 0
            except api_errors() as exc:
                raise InfraError(f"reading the exec result failed: {exc}") from exc
        return ExecResult(
            returncode=returncode,
            stdout=got.stdout,
            stderr=got.stderr,
            duration=duration,
            timed_out=got.timed_out,
            oom_killed=oom_killed,
            truncated=got.truncated,
            stopped=got.stopped,
        )

    def _drain(self, stream: Chunks, timeout: float, watch: Watch | None = None) -> Drained:
        got = drain(
            stream,
            cap=self.spec.limits.output_bytes,
            timeout=timeout,
            kill=self._kill,
            errors=api_errors(),
            watch=watch,
        )
        if got.timed_out or got.stopped:
            self._killed = True  # its tmpfs is gone or going: nothing left to read there
        return got

    def _stopped_by_memory(self, *, looks_killed: bool) -> bool:
        """The command failed: make sure its container did not stop under it. A container
        removed by an interrupt (``remove_live``), killed from outside or lost by the engine is
        an infrastructure failure (raised), never the run's own ending; one stopped because the
        OOM killer took its init is the run's (True)."""
        if self.runtime.live.aborted(self.container.id):
            raise InfraError(INTERRUPTED)
        return oom.stopped_by_memory(self.cli.api, self.container.id, looks_killed=looks_killed)

    def _kill(self) -> None:
        try:
            self.container.kill()
        except api_errors():
            pass

    def read_file(self, path: str, max_bytes: int) -> bytes:
        full = _absolute(path)
        if full.startswith("/tmp/"):  # noqa: S108 - the container's own tmpfs
            return read_tmpfs(
                self.cli.api,
                self.container,
                path,
                full,
                max_bytes,
                uid=self.uid,
                killed=self._killed,
            )
        return read_archived(self.container, path, full, max_bytes)

    def cleanup(self) -> None:
        container = self.container
        if container is None:
            return
        try:
            container.remove(force=True, v=True)
        except api_errors():
            try:  # escalate: kill, then remove again
                container.kill()
                container.remove(force=True, v=True)
            except api_errors():
                pass
        self.runtime.live.discard(container.id)
        self._remove_host_dir()
        self._release_uid()
        self.container = None


def _absolute(path: str) -> str:
    import posixpath

    return posixpath.normpath(path if path.startswith("/") else f"{ROOT}/{path}")


def _mount(target: str, source: str | None, kind: str) -> Any:
    from docker.types import Mount

    return Mount(target, source, type=kind)
