"""The session cookie: building ``Set-Cookie`` headers and reading ``Cookie`` headers."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from .settings import COOKIE_NAME


def session_cookie(token: str, *, secure: bool = True) -> str:
    """The ``Set-Cookie`` header value that stores ``token`` in the browser."""
    parts = [f"{COOKIE_NAME}={token}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def clear_session_cookie() -> str:
    """The ``Set-Cookie`` header value that deletes the session cookie (logout)."""
    return f"{COOKIE_NAME}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"


def token_from_cookie_header(header: str | None) -> str | None:
    """The session token in a request's ``Cookie`` header, if there is one."""
    if not header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(COOKIE_NAME)
    return morsel.value if morsel and morsel.value else None
