"""Server-side sessions with signed, tamper-evident tokens."""

from .store import Session, SessionNotFound, SessionStore
from .tokens import BadSignature, MalformedToken, TokenError, TokenSigner

__all__ = [
    "BadSignature",
    "MalformedToken",
    "Session",
    "SessionNotFound",
    "SessionStore",
    "TokenError",
    "TokenSigner",
]
