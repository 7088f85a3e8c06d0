"""The ``local`` backend: a subprocess in a temporary folder. NOT isolated.

For scenario authors and machines without Docker. Every result it produces is marked unisolated;
``--require-isolation`` refuses it, and scores never count its runs as evidence. It has no
images (runs use this interpreter, whatever a recipe asks for) and leaves nothing that outlives
its process except a killed process's temporary folders, which the system's temp cleaning
removes. Like the docker backend, it knows its live sandboxes, so an interrupt removes them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from harness.backends.base import (
    Backend,
    ExecResult,
    Image,
    ImageRecipe,
    Sandbox,
    SandboxSpec,
    Watch,
)
from harness.backends.drain import drain
from harness.errors import InfraError


def _chunks(proc: subprocess.Popen[bytes]) -> Iterator[tuple[bytes | None, bytes | None]]:
    """The process's standard output as it arrives, in the shape :func:`drain` reads."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    while chunk := os.read(fd, 65536):
        yield chunk, None


def _safe_target(root: Path, rel: str) -> Path:
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ValueError(f"{rel!r} escapes the sandbox")
    return target


class LocalSandbox(Sandbox):
    isolated = False

    def __init__(
        self, spec: SandboxSpec, on_cleanup: Callable[[LocalSandbox], None] = lambda _box: None
    ) -> None:
        self.spec = spec
        self._dir = tempfile.mkdtemp(prefix="dsim-local-")
        self.root = self._dir
        self._on_cleanup = on_cleanup
        self._lock = threading.RLock()  # re-entrant: remove() may run in an interrupt
        self._running: set[subprocess.Popen[bytes]] = set()
        self._removed = False
        """Removed by an interrupt (:meth:`LocalBackend.remove_live`) from under its run."""

    def write_files(self, files: Mapping[str, bytes], dest: str) -> None:
        base = Path(self.root)
        for rel, data in files.items():
            target = _safe_target(base, f"{dest}/{rel}" if dest else rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def start(self) -> None:
        return None

    def exec(
        self,
        argv: Sequence[str],
        *,
        timeout: float,
        env: Mapping[str, str] | None = None,
        watch: Watch | None = None,
    ) -> ExecResult:
        started = time.monotonic()
        run_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.root,
            "LANG": "C.UTF-8",
            **(env or {}),
        }
        with tempfile.TemporaryFile() as err:
            with self._lock:
                if self._removed:
                    raise InfraError(_INTERRUPTED)
                proc = subprocess.Popen(
                    list(argv),
                    cwd=self.root,
                    stdout=subprocess.PIPE,
                    stderr=err,
                    env=run_env,
                    start_new_session=True,
                )
                self._running.add(proc)
            try:
                got = drain(
                    _chunks(proc),
                    cap=self.spec.limits.output_bytes,
                    timeout=timeout,
                    kill=lambda: _kill_group(proc),
                    errors=(OSError, ValueError),
                    watch=watch,
                )
                proc.wait()
            finally:
                with self._lock:
                    self._running.discard(proc)
                if proc.stdout is not None:
                    proc.stdout.close()
            if self._removed:
                raise InfraError(_INTERRUPTED)
            cap = self.spec.limits.output_bytes
            err.seek(0)
            stderr = err.read(cap + 1)
        return ExecResult(
            returncode=proc.returncode,
            stdout=got.stdout,
            stderr=stderr[:cap],
            duration=time.monotonic() - started,
            timed_out=got.timed_out,
            truncated=got.truncated or len(stderr) > cap,
            stopped=got.stopped,
        )

    def read_file(self, path: str, max_bytes: int) -> bytes:
        target = Path(self.root) / path
        if target.is_symlink():
            raise FileNotFoundError(f"{path} is a symlink; not followed")
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            return handle.read(max_bytes)

    def cleanup(self) -> None:
        with self._lock:
            running = list(self._running)
        for proc in running:  # only an interrupt gets here with a command still running
            _kill_group(proc)
        shutil.rmtree(self._dir, ignore_errors=True)
        self._on_cleanup(self)

    def remove(self) -> None:
        """Remove the sandbox from under whatever runs in it (an interrupt)."""
        with self._lock:
            self._removed = True
        self.cleanup()


_INTERRUPTED = "the run was interrupted: its sandbox was removed"


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(proc.pid, 9)


class LocalBackend(Backend):
    name = "local"
    isolated = False
    python = sys.executable

    def __init__(self) -> None:
        self._live: set[LocalSandbox] = set()
        self._lock = threading.RLock()  # re-entrant: remove_live may run in an interrupt

    def sandbox(self, spec: SandboxSpec) -> Sandbox:
        box = LocalSandbox(spec, on_cleanup=self._forget)
        with self._lock:
            self._live.add(box)
        return box

    def image_for(self, recipe: ImageRecipe) -> Image:
        """No image: runs use this interpreter (the recipe's requirements must be installed
        here already)."""
        return Image(tag="", python=self.python)

    def remove_live(self) -> int:
        with self._lock:
            boxes = list(self._live)
        for box in boxes:
            box.remove()
        return len(boxes)

    def remove_leftovers(self) -> int:
        """Nothing to find: a local sandbox is a temporary folder of this process only."""
        return 0

    def _forget(self, box: LocalSandbox) -> None:
        with self._lock:
            self._live.discard(box)
