"""Errors the client raises. Everything it raises is an ApiError."""

from __future__ import annotations


class ApiError(Exception):
    """The API answered with an error, or could not be reached."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message if status is None else f"{status}: {message}")
        self.status = status
        self.message = message


class NotFound(ApiError):
    """404: the resource does not exist."""


class AuthError(ApiError):
    """401 or 403: the token is missing, expired or not allowed to do this."""


class TransportError(ApiError):
    """The request could not be completed: connection refused or reset, timeout, bad TLS."""
