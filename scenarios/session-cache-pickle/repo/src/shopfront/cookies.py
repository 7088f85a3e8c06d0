"""Reading and writing cookies."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie


def read_cookie(header: str | None, name: str) -> str | None:
    """The value of cookie ``name`` in a ``Cookie:`` request header, or ``None``."""
    if not header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None


def set_cookie(name: str, value: str, *, max_age: int, http_only: bool = True) -> str:
    """A ``Set-Cookie`` header value; always ``Secure`` and ``SameSite=Lax``."""
    parts = [f"{name}={value}", "Path=/", f"Max-Age={max_age}", "Secure", "SameSite=Lax"]
    if http_only:
        parts.append("HttpOnly")
    return "; ".join(parts)
