"""The FastAPI application: pages, the /api/v1 JSON API, sign-in, and the security headers.

Why FastAPI on uvicorn: typed request parsing, dependency-injected role checks and an OpenAPI
document for /api/v1 come with it; Jinja2 (already dsim's report engine) renders the pages, so the
served result page is the HTML report itself with actions around it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from harness import __version__
from harness.errors import DsimError, InvalidInput, NotFound
from harness.service import people
from harness.service.web import (
    COOKIE,
    SECURITY_HEADERS,
    Config,
    LoginRequired,
    client_ip,
    config_of,
    page,
    principal,
    set_session,
)

PRE_COOKIE = "dsim_pre"
"""A random value set with the sign-in form; the form's CSRF token is its MAC (no session yet)."""
STATIC = {"htmx.min.js": "text/javascript", "htmx.LICENSE": "text/plain"}


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413 while it streams in (Content-Length
    or chunked alike), before a form parser spools it to memory or disk."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0
        refused = False

        async def counted() -> Any:
            # Over the limit: answer 413 now and tell the app the client went away (an
            # exception here would be turned into a 400 by the app's body parsing).
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    refused = True
                    await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Any) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counted, guarded)

    async def _refuse(self, send: Any) -> None:
        body = (
            f'{{"error": {{"status": 413, "message": "the request is over '
            f'{self.limit // 1024} KB"}}}}'
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    *((k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def body_limit() -> int:
    """The largest request any route needs: a diff and a review at their limits, twice (the
    check page sends them back in its confirm form, form-encoded), and room for the rest."""
    from harness.config import SubmissionLimits

    limits = SubmissionLimits.from_env()
    return 3 * (limits.diff_kb + limits.review_kb) * 1024 + 64 * 1024


def create_app(config: Config) -> FastAPI:
    from harness.service import api, pages, visitor
    from harness.service.cohort import CohortScores

    app = FastAPI(
        title="dsim",
        version=__version__,
        description="Onboarding delivery simulations: invites, submissions, grading results, "
        "scores and comparisons. Authenticate with `Authorization: Bearer <API token>` "
        "(staff) or the workspace token in a workspace's marker (candidates).",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.config = config
    app.state.cohort = CohortScores(config.store, config.profile)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={_quote(target)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()
        ]
        return _error(request, 422, "the request is missing or has malformed fields", problems)

    @app.exception_handler(DsimError)
    async def dsim_error(request: Request, exc: DsimError) -> Response:
        status = 404 if isinstance(exc, NotFound) else 400 if isinstance(exc, InvalidInput) else 503
        problems = list(getattr(exc, "problems", ()))
        return _error(request, status, exc.summary, problems, exc.hint)

    _core_routes(app)
    app.include_router(visitor.router)
    app.include_router(pages.router)
    app.include_router(api.router)
    app.add_middleware(BodyLimit, limit=body_limit())
    return app


def from_environment() -> FastAPI:
    """The app as ``dsim serve --workers N`` starts it in each server process: everything from
    the environment ``dsim serve`` sets (DSIM_HOME, DSIM_DB, DSIM_BROKER, DSIM_PUBLIC_URL,
    DSIM_SECURE_COOKIES)."""
    import os

    from harness.config import Settings
    from harness.config import broker as broker_url
    from harness.scoring.profile import load_profile
    from harness.service.security import server_key
    from harness.store import Store

    settings = Settings.resolve(None, None)
    config = Config(
        store=Store(settings.db_url),
        home=settings.home,
        key=server_key(settings.home),
        profile=load_profile(None),
        broker=broker_url(None),
        public_url=os.environ.get("DSIM_PUBLIC_URL") or None,
        secure_cookies=os.environ.get("DSIM_SECURE_COOKIES") == "1",
    )
    return create_app(config)


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="")


def _error(
    request: Request,
    status: int,
    message: str,
    problems: list[str] | None = None,
    hint: str | None = None,
    headers: Any = None,
) -> Response:
    if request.url.path.startswith("/api/"):
        body: dict[str, Any] = {"error": {"status": status, "message": message}}
        if problems:
            body["error"]["problems"] = problems
        if hint:
            body["error"]["hint"] = hint
        return JSONResponse(body, status_code=status, headers=headers)
    titles = {
        400: "That did not work",
        401: "Sign in first",
        403: "Not allowed",
        404: "Not found",
        410: "This link has expired",
        413: "Too large",
        422: "Something is missing",
        429: "Too many attempts",
    }
    response: Response
    try:
        response = page(
            request,
            "message.html.j2",
            status_code=status,
            title=titles.get(status, "Something went wrong"),
            message=message,
            problems=problems or [],
            hint=hint,
            back=None,
        )
    except DsimError:
        response = JSONResponse({"error": {"status": status, "message": message}}, status)
    if headers:
        response.headers.update(headers)
    return response


def _login_csrf(config: Config, pre: str) -> str:
    return hmac.new(config.key, f"login\0{pre}".encode(), hashlib.sha256).hexdigest()


def _safe_next(target: str) -> str:
    """Only a path on this server: never another site (open redirects)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _core_routes(app: FastAPI) -> None:
    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        # A fixed list, never a path joined from the request.
        if name not in STATIC:
            raise HTTPException(404, "no such file")
        data = resources.files("harness.service").joinpath("static", name).read_bytes()
        return Response(
            data,
            media_type=STATIC[name],
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        who = principal(request)
        target = {
            None: "/login",
            "candidate": "/me",
            "hiring": "/candidates",
            "assessor": "/queue",
            "admin": "/queue",
        }[who.role]
        return RedirectResponse(target, status_code=303)

    @app.get("/login", include_in_schema=False)
    def login_form(request: Request, next: str = "/") -> Response:
        pre = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(24)
        response = page(
            request,
            "login.html.j2",
            login_csrf=_login_csrf(config_of(request), pre),
            next=_safe_next(next),
        )
        response.set_cookie(PRE_COOKIE, pre, httponly=True, samesite="strict", path="/login")
        return response

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        name: str = Form(""),
        password: str = Form(""),
        csrf: str = Form(""),
        next: str = Form("/"),
    ) -> Response:
        config = config_of(request)
        pre = request.cookies.get(PRE_COOKIE, "")
        if not pre or not hmac.compare_digest(csrf, _login_csrf(config, pre)):
            raise HTTPException(403, "the sign-in form is stale; reload it and try again")
        ip = client_ip(request)
        name = name.strip()
        if people.throttled(config.store, name, ip):
            people.audit(config.store, name or "anonymous", "login_throttled", name, ip=ip)
            raise HTTPException(
                429,
                "too many failed sign-ins for this name or from this address; wait 15 minutes",
                headers={"Retry-After": "900"},
            )
        user = people.authenticate(config.store, name, password)
        if user is None:
            people.audit(config.store, "anonymous", "login_failed", name, ip=ip)
            failed: Response = page(
                request,
                "login.html.j2",
                status_code=401,
                login_csrf=csrf,
                next=_safe_next(next),
                name=name,
                flash="Wrong name or password.",
                flash_kind="bad",
            )
            return failed
        secret, _ = people.open_session(config.store, user=user)
        people.audit(config.store, user.name, "login", user.name, ip=ip)
        response = RedirectResponse(_safe_next(next), status_code=303)
        set_session(request, response, secret)
        response.delete_cookie(PRE_COOKIE, path="/login")
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf: str = Form("")) -> Response:
        from harness.service.web import check_csrf

        who = principal(request)
        if who.session_secret is not None:
            check_csrf(request, who, csrf)
            people.end_session(config_of(request).store, who.session_secret)
            people.audit(config_of(request).store, who.actor, "logout", ip=client_ip(request))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response
