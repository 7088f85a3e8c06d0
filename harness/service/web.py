"""The plumbing every route shares: who is asking (:class:`Principal`), role checks, CSRF, the
page templates and the security headers.

Who is asking, in order: ``Authorization: Bearer`` with an API token (``dsim_…``, acts as its
user) or a workspace token (``dsa_…``, acts as the candidate for that one assignment); else the
signed session cookie (a user's, or a candidate's opened invite). Nothing else authenticates.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from itsdangerous import BadSignature, URLSafeSerializer

from harness.reports.render import environment
from harness.scoring.profile import Profile
from harness.service import people
from harness.service.security import workspace_assignment
from harness.store import Assignment, Invite, Store, User

COOKIE = "dsim_session"
STAFF = ("admin", "assessor", "hiring")
GRADERS = ("admin", "assessor")
"""Roles that see hidden tests, flaw details and results, and act on them."""

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


@dataclass(frozen=True)
class Config:
    """What a running server needs; one per app."""

    store: Store
    home: Path
    key: bytes
    profile: Profile
    broker: str | None = None
    public_url: str | None = None
    """The address candidates reach the server at (links in invites); default: the request's."""
    secure_cookies: bool = False
    """Mark cookies Secure (behind HTTPS; also on whenever the request came over https)."""


@dataclass(frozen=True)
class Principal:
    """Who a request acts as."""

    role: str | None
    """admin, assessor, hiring, candidate, or None (anonymous)."""
    name: str = "anonymous"
    user: User | None = None
    invite: Invite | None = None
    assignment: Assignment | None = None
    """Set for a workspace token: the one assignment it may submit to."""
    csrf: str | None = None
    """The session's CSRF token (None for bearer tokens, which carry no ambient authority)."""
    session_secret: str | None = None

    @property
    def actor(self) -> str:
        """How the audit log names them."""
        if self.role == "candidate" and self.invite is not None:
            return f"candidate:{self.invite.id}"
        return self.name


ANONYMOUS = Principal(role=None)


def config_of(request: Request) -> Config:
    config: Config = request.app.state.config
    return config


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def _serializer(config: Config) -> URLSafeSerializer:
    return URLSafeSerializer(config.key, salt="dsim-session")


def session_cookie(config: Config, secret: str) -> str:
    return str(_serializer(config).dumps(secret))


def principal(request: Request) -> Principal:
    """Who is asking (cached on the request)."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        found: Principal = cached
        return found
    found = _identify(request)
    request.state.principal = found
    return found


def _identify(request: Request) -> Principal:
    config = config_of(request)
    store = config.store
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(401, "use Authorization: Bearer TOKEN")
        if token.startswith("dsa_"):
            return _workspace_principal(config, token)
        user = people.token_user(store, token)
        if user is None:
            raise HTTPException(401, "this API token is not valid (revoked, or its user disabled)")
        return Principal(role=user.role, name=user.name, user=user)
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return ANONYMOUS
    try:
        secret = str(_serializer(config).loads(cookie))
    except BadSignature:
        return ANONYMOUS
    session = people.live_session(store, secret)
    if session is None:
        return ANONYMOUS
    if session.user_id is not None:
        with store.session() as s:
            user = s.get(User, session.user_id)
        if user is None or user.disabled_at is not None:
            return ANONYMOUS
        return Principal(
            role=user.role, name=user.name, user=user, csrf=session.csrf, session_secret=secret
        )
    assert session.invite_id is not None
    invite = people.invite(store, session.invite_id)
    if people.invite_state(invite) != "open":
        return ANONYMOUS
    return Principal(
        role="candidate",
        name=invite.candidate,
        invite=invite,
        csrf=session.csrf,
        session_secret=secret,
    )


def _workspace_principal(config: Config, token: str) -> Principal:
    assignment_id = workspace_assignment(config.key, token)
    if assignment_id is None:
        raise HTTPException(401, "this workspace token is not valid")
    with config.store.session() as s:
        assignment = s.get(Assignment, assignment_id)
    if assignment is None or assignment.invite_id is None:
        raise HTTPException(401, "this workspace token is not valid")
    invite = people.invite(config.store, assignment.invite_id)
    state = people.invite_state(invite)
    if state != "open":
        raise HTTPException(403, f"the invite for this workspace is {state}")
    return Principal(role="candidate", name=invite.candidate, invite=invite, assignment=assignment)


class LoginRequired(Exception):
    """A page asked for by someone not signed in: sent to the sign-in page."""


def require(request: Request, *roles: str) -> Principal:
    """The principal when their role is one of ``roles``; anonymous page requests go to the
    sign-in page (API requests get 401); a wrong role is 403."""
    who = principal(request)
    if who.role is None:
        if request.url.path.startswith("/api/"):
            raise HTTPException(401, "sign in, or send Authorization: Bearer TOKEN")
        raise LoginRequired()
    if who.role not in roles:
        raise HTTPException(403, "your role does not allow this")
    return who


def check_csrf(request: Request, who: Principal, form_token: str | None) -> None:
    """State-changing requests from a browser session must carry the session's CSRF token (a
    form field ``csrf`` or the ``X-CSRF-Token`` header); bearer tokens need none."""
    if who.csrf is None:
        return
    given = form_token or request.headers.get("x-csrf-token") or ""
    if not hmac.compare_digest(given.encode(), who.csrf.encode()):
        raise HTTPException(403, "the form is stale or came from another site; reload and retry")


def templates() -> jinja2.Environment:
    cached: jinja2.Environment | None = getattr(templates, "_env", None)
    if cached is None:
        base = environment()
        cached = base.overlay(
            loader=jinja2.ChoiceLoader(
                [jinja2.PackageLoader("harness.service", "templates"), base.loader]
            )
        )
        templates._env = cached  # type: ignore[attr-defined]
    return cached


def page(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    from harness import __version__

    config = config_of(request)
    context = {"flash": None, "flash_kind": "", "version": __version__, **context}
    html = (
        templates()
        .get_template(template)
        .render(
            who=principal(request),
            generated_at=datetime.now(UTC),
            interval_mass=config.profile.interval,
            request=request,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code)


def set_session(request: Request, response: Response, secret: str) -> None:
    config = config_of(request)
    response.set_cookie(
        COOKIE,
        session_cookie(config, secret),
        httponly=True,
        samesite="lax",
        secure=config.secure_cookies or request.url.scheme == "https",
        path="/",
    )


def server_url(request: Request) -> str:
    """Where candidates reach this server: --public-url, else the address they asked."""
    config = config_of(request)
    return (config.public_url or str(request.base_url)).rstrip("/")
