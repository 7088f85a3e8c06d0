"""An in-memory session store that hands out signed tokens."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from .clock import Clock, SystemClock
from .tokens import TokenError, TokenSigner

logger = logging.getLogger(__name__)


class SessionNotFound(TokenError):
    """The token is genuine but its session was revoked or never existed here."""


@dataclass
class Session:
    session_id: str
    user_id: str
    created_at: float
    data: dict[str, Any] = field(default_factory=dict)


class SessionStore:
    """Creates, resolves and revokes sessions. Tokens name a session; the state stays here."""

    def __init__(self, signer: TokenSigner, clock: Clock | None = None) -> None:
        self._signer = signer
        self._clock = clock or SystemClock()
        self._sessions: dict[str, Session] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def issue(self, user_id: str) -> str:
        """Start a session for ``user_id`` and return its token."""
        session = Session(secrets.token_urlsafe(16), user_id, self._clock.now())
        self._sessions[session.session_id] = session
        logger.info("issued session %s for user %s", session.session_id, user_id)
        return self._signer.sign({"sid": session.session_id, "uid": user_id})

    def resolve(self, token: str) -> Session:
        """The live session ``token`` names; raises a ``TokenError`` otherwise."""
        payload = self._signer.verify(token)
        session = self._sessions.get(payload.get("sid", ""))
        if session is None or session.user_id != payload.get("uid"):
            raise SessionNotFound("no such session")
        return session

    def revoke(self, token: str) -> None:
        """End the session ``token`` names (logout). Revoking twice is not an error."""
        try:
            session = self.resolve(token)
        except SessionNotFound:
            return
        del self._sessions[session.session_id]
        logger.info("revoked session %s for user %s", session.session_id, session.user_id)
