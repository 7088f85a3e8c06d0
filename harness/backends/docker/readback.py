"""Reading a file back out of a sandbox's container, capped and never through a symlink.

Invariants: at most ``max_bytes`` come back (and little more is fetched); only a regular file is
read: a symlink, FIFO or device the run made raises FileNotFoundError, never followed or
blocked on; a missing file is FileNotFoundError, an engine failure
:class:`~harness.errors.InfraError`. Files under ``/tmp`` live in the container's tmpfs, which the
archive API cannot see: they are read by a small process inside the container, as the run's uid
(never more privileged than the run itself).
"""

from __future__ import annotations

import io
import tarfile
from typing import Any

from harness.backends.docker.engine import api_errors
from harness.errors import InfraError

ARCHIVE_SLACK = 64 * 1024
"""Bytes of an archive beyond ``max_bytes`` still fetched: a tar header and padding."""

# Reads one regular file from /tmp inside the container: never follows a final symlink, never
# blocks on a FIFO, prints at most argv[2] bytes; exit code 2 means missing or not regular.
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
    "    left -= len(chunk)\n"
)


def read_archived(container: Any, path: str, full: str, max_bytes: int) -> bytes:
    """Read ``full`` (the absolute form of ``path``) through the engine's archive API."""
    from docker.errors import NotFound

    try:
        chunks, _ = container.get_archive(full)
    except NotFound as exc:
        raise FileNotFoundError(path) from exc
    except api_errors() as exc:
        raise InfraError(f"reading {path} from the container failed: {exc}") from exc
    raw = bytearray()
    for chunk in chunks:  # the archive is capped too: a tar header plus the file
        raw.extend(chunk)
        if len(raw) > max_bytes + ARCHIVE_SLACK:
            break
    with tarfile.open(fileobj=io.BytesIO(bytes(raw)), mode="r|") as tar:
        for member in tar:
            if not member.isreg():
                raise FileNotFoundError(f"{path} is not a regular file; not followed")
            handle = tar.extractfile(member)
            return handle.read(max_bytes) if handle else b""
    raise FileNotFoundError(path)


def read_tmpfs(
    api: Any, container: Any, path: str, full: str, max_bytes: int, *, uid: int, killed: bool
) -> bytes:
    """Read ``full`` from the /tmp tmpfs (the run's only writable place) with a process inside
    the container, as ``uid``; a stopped container (or one ``killed`` at a timeout) has no /tmp
    left to read."""
    try:
        container.reload()
        running = container.status == "running"
    except api_errors() as exc:
        raise InfraError(f"reading {path} from the container failed: {exc}") from exc
    if not running or killed:  # killed at a timeout: its tmpfs is gone or going
        raise FileNotFoundError(path)
    try:
        exec_id = api.exec_create(
            container.id,
            ["python3", "-I", "-S", "-c", _READ_TMPFS, full, str(max(0, max_bytes))],
            user=f"{uid}:{uid}",
        )["Id"]
        out, _ = api.exec_start(exec_id, demux=True)
        code = api.exec_inspect(exec_id).get("ExitCode")
    except api_errors() as exc:
        raise InfraError(f"reading {path} from the container failed: {exc}") from exc
    if code == 2:
        raise FileNotFoundError(f"{path} is missing or not a regular file; not followed")
    if code != 0:
        raise InfraError(f"reading {path} from the container failed (exit code {code})")
    data: bytes = (out or b"")[:max_bytes]
    return data
