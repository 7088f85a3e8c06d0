"""HTTP-shaped handlers over an UploadStore, independent of any web framework.

The web layer turns requests into calls of these functions and a Response back into HTTP.
File paths look like ``/files/<name>``; the name is percent-decoded here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import unquote

from uploads import settings
from uploads.storage import InvalidName, UploadExists, UploadNotFound, UploadStore

PREFIX = "/files/"


@dataclass(frozen=True)
class Response:
    """What the web layer sends back."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def _respond(status: int, body: bytes, content_type: str, **extra: str) -> Response:
    headers = {"Content-Type": content_type, "Content-Length": str(len(body)),
               "Server": settings.SERVICE_NAME, **extra}
    return Response(status, body, headers)


def _json(status: int, payload: object) -> Response:
    return _respond(status, json.dumps(payload).encode(), "application/json")


def _error(status: int, message: str) -> Response:
    return _json(status, {"error": message})


def _name_from(path: str) -> str | None:
    if not path.startswith(PREFIX):
        return None
    return unquote(path[len(PREFIX):])


def handle_get(store: UploadStore, path: str) -> Response:
    """GET /files/<name>: the file itself, always as an attachment."""
    name = _name_from(path)
    if name is None:
        return _error(404, "not found")
    try:
        stored = store.stat(name)
        body = store.read(name)
    except InvalidName:
        return _error(400, "invalid file name")
    except UploadNotFound:
        return _error(404, "not found")
    filename = name.rsplit("/", 1)[-1]
    return _respond(200, body, stored.content_type,
                    **{"Content-Disposition": f'attachment; filename="{filename}"',
                       "X-Content-Type-Options": "nosniff"})


def handle_put(store: UploadStore, path: str, body: BinaryIO, *, replace: bool = False) -> Response:
    """PUT /files/<name>: store the body; 409 if the name is taken and ``replace`` is false."""
    name = _name_from(path)
    if name is None:
        return _error(404, "not found")
    try:
        stored = store.replace(name, body) if replace else store.save(name, body)
    except InvalidName:
        return _error(400, "invalid file name")
    except UploadExists:
        return _error(409, "a file with this name already exists")
    return _json(201, {"name": stored.name, "size": stored.size,
                       "content_type": stored.content_type})


def handle_delete(store: UploadStore, path: str) -> Response:
    """DELETE /files/<name>."""
    name = _name_from(path)
    if name is None:
        return _error(404, "not found")
    try:
        store.delete(name)
    except InvalidName:
        return _error(400, "invalid file name")
    except UploadNotFound:
        return _error(404, "not found")
    return Response(204, b"", {"Server": settings.SERVICE_NAME})


def handle_list(store: UploadStore) -> Response:
    """GET /files/: every stored file with its size and type."""
    return _json(200, [{"name": f.name, "size": f.size, "content_type": f.content_type}
                       for f in store.list_files()])
