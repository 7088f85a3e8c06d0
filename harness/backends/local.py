"""The ``local`` backend: a subprocess in a temporary folder. NOT isolated.

For scenario authors and machines without Docker. Every result it produces is marked unisolated;
``--require-isolation`` refuses it, and scores never count its runs as evidence.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.backends.base import Backend, ExecResult, Sandbox, SandboxSpec, register


def _safe_target(root: Path, rel: str) -> Path:
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ValueError(f"{rel!r} escapes the sandbox")
    return target


class LocalSandbox(Sandbox):
    isolated = False

    def __init__(self, spec: SandboxSpec) -> None:
        self.spec = spec
        self._dir = tempfile.mkdtemp(prefix="dsim-local-")
        self.root = self._dir

    def write_files(self, files: Mapping[str, bytes], dest: str) -> None:
        base = Path(self.root)
        for rel, data in files.items():
            target = _safe_target(base, f"{dest}/{rel}" if dest else rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def start(self) -> None:
        return None

    def exec(self, argv: Sequence[str], *, timeout: float,
             env: Mapping[str, str] | None = None) -> ExecResult:
        cap = self.spec.limits.output_bytes
        started = time.monotonic()
        run_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.root,
                   "LANG": "C.UTF-8", **(env or {})}
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(list(argv), cwd=self.root, stdout=out, stderr=err,
                                    env=run_env, start_new_session=True)
            timed_out = False
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                os.killpg(proc.pid, 9)
                proc.wait()
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(cap + 1), err.read(cap + 1)
        return ExecResult(returncode=proc.returncode, stdout=stdout[:cap], stderr=stderr[:cap],
                          duration=time.monotonic() - started, timed_out=timed_out,
                          truncated=len(stdout) > cap or len(stderr) > cap)

    def read_file(self, path: str, max_bytes: int) -> bytes:
        target = Path(self.root) / path
        if target.is_symlink():
            raise FileNotFoundError(f"{path} is a symlink; not followed")
        fd = os.open(target, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            return handle.read(max_bytes)

    def cleanup(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)


class LocalBackend(Backend):
    name = "local"
    isolated = False
    python = sys.executable

    def sandbox(self, spec: SandboxSpec) -> Sandbox:
        return LocalSandbox(spec)


register("local")(LocalBackend)
