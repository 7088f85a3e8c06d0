"""Upload storage: files kept under one root folder, addressed by name.

Invariants:
- a name is validated before it touches the file system, so nothing is read or written outside
  the root;
- a file appears under its name only once it is complete: writes go to a hidden temporary file
  in the root and are renamed into place atomically;
- ``save`` never replaces an existing file; ``replace`` does, on purpose.
"""

from __future__ import annotations

import io
import mimetypes
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from uploads import settings

#: Letters, digits, dot, dash and underscore; no leading dot (dot files are ours).
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")
_TEMP_PREFIX = ".partial-"


class UploadError(Exception):
    """Base class of the errors the store raises."""


class InvalidName(UploadError):
    """The name is not allowed (bad characters, a path, or too long)."""


class UploadExists(UploadError):
    """A file with this name is already stored."""


class UploadNotFound(UploadError):
    """No file with this name is stored."""


@dataclass(frozen=True)
class StoredFile:
    """A stored upload, as listings describe it."""

    name: str
    size: int
    content_type: str


def content_type_for(name: str) -> str:
    """The MIME type served for ``name``, by extension (unknown: application/octet-stream)."""
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


class UploadStore:
    """Uploaded files under ``root``."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def save(self, name: str, data: bytes | BinaryIO) -> StoredFile:
        """Store a new file; raise UploadExists if ``name`` is taken."""
        path = self._path(name)
        if path.exists():
            raise UploadExists(name)
        self._write(path, data)
        return self.stat(name)

    def replace(self, name: str, data: bytes | BinaryIO) -> StoredFile:
        """Store ``data`` under ``name``, replacing whatever is stored there."""
        path = self._path(name)
        self._write(path, data)
        return self.stat(name)

    def open(self, name: str) -> BinaryIO:
        """Open a stored file for reading; the caller closes it."""
        try:
            return self._path(name).open("rb")
        except FileNotFoundError:
            raise UploadNotFound(name) from None

    def read(self, name: str) -> bytes:
        with self.open(name) as fh:
            return fh.read()

    def stat(self, name: str) -> StoredFile:
        try:
            size = self._path(name).stat().st_size
        except FileNotFoundError:
            raise UploadNotFound(name) from None
        return StoredFile(name=name, size=size, content_type=content_type_for(name))

    def delete(self, name: str) -> None:
        try:
            self._path(name).unlink()
        except FileNotFoundError:
            raise UploadNotFound(name) from None

    def list_files(self) -> list[StoredFile]:
        """Every stored file, sorted by name."""
        return [self.stat(path.name) for path in sorted(self.root.iterdir())
                if path.is_file() and not path.name.startswith(".")]

    def _path(self, name: str) -> Path:
        if not _NAME.fullmatch(name):
            raise InvalidName(name)
        return self.root / name

    def _write(self, path: Path, data: bytes | BinaryIO) -> None:
        source = io.BytesIO(data) if isinstance(data, bytes) else data
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=_TEMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(source, out, settings.CHUNK_SIZE)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
