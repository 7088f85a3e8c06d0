"""Users, API tokens, invites, sessions and the audit log: what the CLI and the server share.

Every function takes the store and returns plain rows; nothing here knows about HTTP.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select

from harness.errors import InvalidInput, NotFound
from harness.scenarios.scenario import resolve
from harness.service.security import check_password, hash_password, new_secret
from harness.store import (
    ROLES,
    ApiToken,
    AuditEntry,
    Invite,
    Store,
    User,
    WebSession,
    digest,
    display_name,
    normalise_candidate,
    now,
)

SESSION_HOURS = 12
"""A signed-in session lasts this long, then signs in again."""
CANDIDATE_SESSION_HOURS = 24 * 14
"""A candidate's opened invite lasts until the invite expires, at most this long."""
THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_FAILURES = 5
"""Failed sign-ins for one name from one address within the window before it is refused."""
THROTTLE_NAME = 20
"""... for one name from any address (password guessing spread over addresses)."""
THROTTLE_ADDRESS = 50
"""... from one address for any names (spraying one password over many names). Higher than the
per-name limit so that colleagues behind one NAT do not lock each other out."""
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; everything dsim stores is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ----------------------------------------------------------------------------- users


def add_user(store: Store, name: str, role: str, password: str) -> User:
    """Create a user who signs in with ``password``.

    Raises:
        InvalidInput: unknown role, a name that is taken or not a plain login name, or a
            password that is too short (every problem at once).
    """
    problems = []
    if role not in ROLES:
        problems.append(f"role {role!r} is not one of {', '.join(ROLES)}")
    if not _NAME.match(name):
        problems.append(f"name {name!r}: use letters, digits and . _ @ - (at most 64, no spaces)")
    try:
        hashed = hash_password(password)
    except ValueError as exc:
        problems.append(str(exc))
        hashed = ""
    with store.session() as s:
        if s.scalars(select(User).where(User.name == name)).first() is not None:
            problems.append(f"a user named {name!r} exists")
        if problems:
            raise InvalidInput(f"cannot add user {name!r}", problems=problems)
        row = User(name=name, role=role, password_hash=hashed)
        s.add(row)
    return row


def users(store: Store) -> list[User]:
    with store.session() as s:
        return list(s.scalars(select(User).order_by(User.name)))


def user_named(store: Store, name: str) -> User:
    with store.session() as s:
        row = s.scalars(select(User).where(User.name == name)).first()
    if row is None:
        raise NotFound(f"no user {name!r}", hint="`dsim users list` shows them")
    return row


def set_disabled(store: Store, name: str, disabled: bool) -> User:
    """Disable (or enable again) a user; disabling ends their sessions and tokens' use."""
    row = user_named(store, name)
    with store.session() as s:
        live = s.get(User, row.id)
        assert live is not None
        live.disabled_at = now() if disabled else None
        if disabled:
            for session in s.scalars(select(WebSession).where(WebSession.user_id == row.id)):
                session.ended_at = session.ended_at or now()
        return live


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The enabled user with this name and password, else None (same cost either way)."""
    with store.session() as s:
        row = s.scalars(select(User).where(User.name == name)).first()
    ok = check_password(row.password_hash if row else None, password)
    if not ok or row is None or row.disabled_at is not None:
        return None
    return row


def throttled(store: Store, name: str, ip: str) -> bool:
    """Too many failed sign-ins lately: for this name from this address, for this name, or from
    this address (the limits above)."""
    since = now() - THROTTLE_WINDOW
    failed = (AuditEntry.action == "login_failed", AuditEntry.at >= since)
    with store.session() as s:
        rows = s.execute(
            select(AuditEntry.subject, AuditEntry.ip).where(
                *failed, or_(AuditEntry.subject == name, AuditEntry.ip == ip)
            )
        ).all()
    pair = sum(1 for subject, address in rows if subject == name and address == ip)
    by_name = sum(1 for subject, _ in rows if subject == name)
    by_address = sum(1 for _, address in rows if address == ip)
    return pair >= THROTTLE_FAILURES or by_name >= THROTTLE_NAME or by_address >= THROTTLE_ADDRESS


# ----------------------------------------------------------------------------- API tokens


def create_token(store: Store, user_name: str, label: str) -> tuple[ApiToken, str]:
    """A new API token for ``user_name``; the secret is returned once and never stored."""
    user = user_named(store, user_name)
    secret = new_secret("dsim_")
    row = ApiToken(user_id=user.id, name=label or "token", token_hash=digest(secret))
    store.add(row)
    return row, secret


def token_user(store: Store, secret: str) -> User | None:
    """The enabled user an unrevoked API token acts as (and notes its use), else None."""
    with store.session() as s:
        token = s.scalars(select(ApiToken).where(ApiToken.token_hash == digest(secret))).first()
        if token is None or token.revoked_at is not None:
            return None
        user = s.get(User, token.user_id)
        if user is None or user.disabled_at is not None:
            return None
        token.last_used_at = now()
        return user


def revoke_token(store: Store, token_id: str) -> None:
    with store.session() as s:
        row = s.get(ApiToken, token_id)
        if row is None:
            raise NotFound(f"no API token {token_id!r}")
        row.revoked_at = row.revoked_at or now()


# ----------------------------------------------------------------------------- invites


@dataclass(frozen=True)
class NewInvite:
    invite: Invite
    token: str
    """The secret in the link; shown once, stored only as a hash."""

    def link(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/join/{self.token}"


def parse_duration(text: str) -> timedelta:
    """``7d``, ``12h``, ``90m`` or ``2w``."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text)
    if not match or int(match.group(1)) == 0:
        raise InvalidInput(
            f"cannot read the duration {text!r}", hint="write it like 7d, 12h, 90m or 2w"
        )
    unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[match.group(2)]
    return timedelta(**{unit: int(match.group(1))})


def create_invite(
    store: Store, candidate: str, scenarios: Sequence[str], *, by: str, expires: timedelta
) -> NewInvite:
    """Invite ``candidate`` to ``scenarios`` (each must resolve) until ``expires`` from now.

    Raises:
        InvalidInput: no candidate name or no scenario; NotFound: a scenario does not exist.
    """
    if not candidate.strip():
        raise InvalidInput("the candidate name is empty", hint="name who is invited")
    if not scenarios:
        raise InvalidInput("an invite needs at least one scenario", hint="pass --scenario ID")
    ids = list(dict.fromkeys(resolve(ref).id for ref in scenarios))
    token = new_secret("dsi_")
    row = Invite(
        token_hash=digest(token),
        candidate=normalise_candidate(candidate),
        candidate_name=display_name(candidate),
        scenarios=ids,
        created_by=by,
        expires_at=now() + expires,
    )
    store.add(row)
    return NewInvite(invite=row, token=token)


def invites(store: Store, *, candidate: str | None = None) -> list[Invite]:
    with store.session() as s:
        query = select(Invite).order_by(Invite.created_at.desc())
        if candidate:
            query = query.where(Invite.candidate == normalise_candidate(candidate))
        return list(s.scalars(query))


def invite(store: Store, invite_id: str) -> Invite:
    with store.session() as s:
        row = s.get(Invite, invite_id)
    if row is None:
        raise NotFound(f"no invite {invite_id!r}", hint="`dsim invites` lists them")
    return row


def invite_state(row: Invite, at: datetime | None = None) -> str:
    """``revoked``, ``expired`` or ``open``."""
    if row.revoked_at is not None:
        return "revoked"
    if _aware(row.expires_at) <= (at or now()):
        return "expired"
    return "open"


def revoke_invite(store: Store, invite_id: str) -> Invite:
    """Revoke an invite: its link, its candidate's sessions and its workspaces' tokens stop
    working at once."""
    with store.session() as s:
        row = s.get(Invite, invite_id)
        if row is None:
            raise NotFound(f"no invite {invite_id!r}", hint="`dsim invites` lists them")
        row.revoked_at = row.revoked_at or now()
        for session in s.scalars(select(WebSession).where(WebSession.invite_id == invite_id)):
            session.ended_at = session.ended_at or now()
        return row


def invite_for_token(store: Store, token: str) -> Invite | None:
    with store.session() as s:
        return s.scalars(select(Invite).where(Invite.token_hash == digest(token))).first()


# ----------------------------------------------------------------------------- sessions


def open_session(
    store: Store, *, user: User | None = None, invite_row: Invite | None = None
) -> tuple[str, WebSession]:
    """A new session for a user or an opened invite; returns the secret id for the cookie."""
    secret = secrets.token_urlsafe(32)
    if user is not None:
        expires = now() + timedelta(hours=SESSION_HOURS)
    else:
        assert invite_row is not None
        expires = min(
            _aware(invite_row.expires_at), now() + timedelta(hours=CANDIDATE_SESSION_HOURS)
        )
    row = WebSession(
        id_hash=digest(secret),
        user_id=user.id if user else None,
        invite_id=invite_row.id if invite_row else None,
        csrf=secrets.token_urlsafe(32),
        expires_at=expires,
    )
    store.add(row)
    return secret, row


def live_session(store: Store, secret: str) -> WebSession | None:
    with store.session() as s:
        row = s.get(WebSession, digest(secret))
    if row is None or row.ended_at is not None or _aware(row.expires_at) <= now():
        return None
    return row


def end_session(store: Store, secret: str) -> None:
    with store.session() as s:
        row = s.get(WebSession, digest(secret))
        if row is not None:
            row.ended_at = row.ended_at or now()


# ----------------------------------------------------------------------------- audit


def audit(
    store: Store,
    actor: str,
    action: str,
    subject: str = "",
    *,
    ip: str = "",
    **detail: Any,
) -> None:
    store.add(AuditEntry(actor=actor, action=action, subject=subject[:200], ip=ip, detail=detail))


def audit_log(
    store: Store, *, limit: int = 200, action: str | None = None, before: int | None = None
) -> list[AuditEntry]:
    """Newest first; ``before`` pages back by entry id."""
    with store.session() as s:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if action:
            query = query.where(AuditEntry.action == action)
        if before is not None:
            query = query.where(AuditEntry.id < before)
        return list(s.scalars(query))
