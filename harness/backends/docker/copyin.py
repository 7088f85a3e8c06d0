"""Putting files into a sandbox at ``/dsim`` before its run starts, by bind mount or by archive.

When the engine runs on this machine, each sandbox gets a private folder the harness writes
itself and the engine bind-mounts read-only to the run (in ``/dev/shm`` when there is one: no
disk, no unpacking process in the engine). Otherwise, or with ``DSIM_DOCKER_COPY=archive``, the
files go into a fresh anonymous volume as one tar archive. Either way every file and folder is
owned by a user the run is not and read-only to it (folders 0755, files 0644), nothing written
follows a symlink or escapes the sandbox's folder, and a folder is removed with its container
(``docker cp`` cannot be used: it fails on a read-only container).
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.backends.docker.engine import api_errors

ROOT = "/dsim"
"""Where a sandbox's files are, inside its container (also the run's working folder)."""
HOST_DIR_PREFIX = "dsim-sandbox-"
"""Every bind-mounted folder is ``<root>/dsim-sandbox-XXXX/root`` (found again by this prefix)."""


def default_root() -> Path:
    """Where bind-mounted folders are made: a tmpfs when the machine has one."""
    shm = Path("/dev/shm")  # noqa: S108 - each sandbox gets a private mkdtemp folder in it
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())


class CopyIn:
    """Which way files go in for one runtime, and where its bind-mounted folders live."""

    def __init__(self, *, bind: bool | None = None, root: Path | None = None) -> None:
        self.bind = bind
        """True: bind mounts (still falling back to archives for good if the engine refuses
        one); False: archives only; None: decided on first use (:meth:`uses_bind`)."""
        self.root = root or default_root()
        """The folder private bind-mount folders are made in."""

    def uses_bind(self, cli: Any) -> bool:
        """Does the engine run on this machine, seeing its folders as they are here? Only a
        local socket, no SELinux (a bind mount would need relabelling) and the engine's data
        folder visible from here (not a client inside another container) qualify."""
        if self.bind is None:
            self.bind = False
            if (
                os.environ.get("DSIM_DOCKER_COPY", "auto") != "archive"
                and getattr(cli.api, "base_url", "") == "http+docker://localhost"
            ):
                try:
                    info = cli.info()
                except api_errors():
                    return False
                selinux = any("selinux" in str(o) for o in info.get("SecurityOptions") or [])
                docker_root = str(info.get("DockerRootDir") or "")
                self.bind = not selinux and bool(docker_root) and Path(docker_root).is_dir()
        return self.bind

    def refused(self) -> None:
        """The engine could not mount a folder of ours: use archives from now on."""
        self.bind = False

    def new_folder(self) -> Path:
        """A fresh folder to bind-mount, inside a private (0700) one: other users of this
        machine cannot read the hidden suites in it."""
        outer = Path(tempfile.mkdtemp(prefix=HOST_DIR_PREFIX, dir=self.root))
        folder = outer / "root"
        try:
            make_folder(folder)
        except OSError:
            remove_folder(folder)
            raise
        return folder

    def remove_stale(self, keep: set[Path]) -> list[Path]:
        """Remove this user's bind-mount folders except those in ``keep`` (the private outer
        folders of live sandboxes); return the removed ones."""
        removed = []
        for folder in self.root.glob(f"{HOST_DIR_PREFIX}*"):
            if (
                folder not in keep
                and folder.is_dir()
                and not folder.is_symlink()
                and folder.stat().st_uid == os.getuid()
            ):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        return removed


def remove_folder(folder: Path) -> None:
    """Remove a folder made by :meth:`CopyIn.new_folder`, with its private parent."""
    shutil.rmtree(folder.parent, ignore_errors=True)


def tar(files: Mapping[str, bytes], dest: str) -> bytes:
    """A tar of ``files`` under ``dest``: owned by root, read-only to everyone else."""
    buf = io.BytesIO()
    dirs: set[str] = set()
    with tarfile.open(fileobj=buf, mode="w") as archive:
        for rel, data in sorted(files.items()):
            name = f"{dest}/{rel}".strip("/") if dest else rel
            parts = name.split("/")
            for depth in range(1, len(parts)):
                folder = "/".join(parts[:depth])
                if folder not in dirs:
                    dirs.add(folder)
                    info = tarfile.TarInfo(folder)
                    info.type, info.mode, info.uid, info.gid = tarfile.DIRTYPE, 0o755, 0, 0
                    archive.addfile(info)
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.uid, info.gid, info.mtime = len(data), 0o644, 0, 0, 0
            archive.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def make_folder(folder: Path) -> None:
    """A folder the run may read and enter but not change, whatever the umask."""
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)  # read and enter only: the run must read the tree, never change it


def write_tree(base: Path, files: Mapping[str, bytes], dest: str) -> None:
    """Write ``files`` under ``dest`` below ``base`` as :func:`tar` would unpack them: folders
    0755, files 0644, nothing followed or escaping ``base``.

    Raises:
        ValueError: a name escapes ``base`` or passes through something that is not a folder.
        OSError: a file to write is a symlink (never followed).
    """
    for rel, data in sorted(files.items()):
        name = f"{dest}/{rel}".strip("/") if dest else rel
        parts = name.split("/")
        if any(part in ("", ".", "..") for part in parts) or "\\" in name:
            raise ValueError(f"{name!r} escapes the sandbox")
        folder = base
        for part in parts[:-1]:
            folder = folder / part
            try:
                make_folder(folder)
            except FileExistsError:
                if folder.is_symlink() or not folder.is_dir():
                    raise ValueError(f"{name!r}: {part} is not a folder") from None
        fd = os.open(
            folder / parts[-1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644
        )
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(fd, 0o644)
            handle.write(data)
