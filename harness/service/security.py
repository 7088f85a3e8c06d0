"""Secrets of a dsim server: password hashes, the signing key, tokens and their formats.

- Passwords: argon2id (argon2-cffi's RFC 9106 low-memory profile), verified in constant time.
- The server key (DSIM_SECRET, else ``server.key`` in the dsim home, made once with mode 0600)
  signs session cookies and derives each workspace's submit token, so several server processes
  sharing a home or a DSIM_SECRET accept each other's cookies and tokens.
- API tokens (``dsim_…``), invite tokens (``dsi_…``) and session ids are 256-bit random values;
  the store keeps their SHA-256 only (:func:`harness.store.digest`).
- A workspace's submit token (``dsa_<assignment>.<mac>``) is an HMAC of its assignment id: the
  server stores nothing for it and can hand the same one out again on a second download.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()
#: A hash verified when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY = _HASHER.hash("not a password of anyone")

MIN_PASSWORD = 10
"""Shortest password a user may set (NIST SP 800-63B asks for at least 8)."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (None: no such user; still costs one hash)."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def server_key(home: Path) -> bytes:
    """DSIM_SECRET, else the home's ``server.key`` (created on first use, readable by its owner
    only)."""
    explicit = os.environ.get("DSIM_SECRET", "").strip()
    if explicit:
        return explicit.encode()
    path = home / "server.key"
    if not path.is_file():
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def new_secret(prefix: str) -> str:
    """A fresh 256-bit token with a prefix that says what it is (``dsim_``, ``dsi_``)."""
    return prefix + secrets.token_urlsafe(32)


def workspace_token(key: bytes, assignment_id: str) -> str:
    mac = hmac.new(key, f"workspace\0{assignment_id}".encode(), hashlib.sha256).hexdigest()
    return f"dsa_{assignment_id}.{mac}"


def workspace_assignment(key: bytes, token: str) -> str | None:
    """The assignment a workspace token was made for, or None when it is not one of ours."""
    if not token.startswith("dsa_") or "." not in token:
        return None
    assignment_id = token[4:].split(".", 1)[0]
    expected = workspace_token(key, assignment_id)
    return assignment_id if hmac.compare_digest(expected, token) else None
