"""Transports: how a request reaches the API. The client never touches sockets itself."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Protocol

from apiclient import settings
from apiclient.errors import TransportError


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class Transport(Protocol):
    def send(self, request: Request) -> Response:
        """Send one request; raise TransportError when no response arrives."""
        ...


class UrllibTransport:
    """The production transport, on the standard library."""

    def __init__(self, timeout: float = settings.TIMEOUT) -> None:
        self.timeout = timeout

    def send(self, request: Request) -> Response:
        raw = urllib.request.Request(request.url, data=request.body, headers=request.headers,
                                     method=request.method)
        try:
            with urllib.request.urlopen(raw, timeout=self.timeout) as reply:  # noqa: S310
                return Response(reply.status, dict(reply.headers), reply.read())
        except urllib.error.HTTPError as exc:
            return Response(exc.code, dict(exc.headers), exc.read())
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise TransportError(f"{request.method} {request.url}: {exc}") from exc
