"""A framework-neutral middleware that answers 429 when the limiter says no."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ratelimit.limiter import Decision, RateLimiter


@dataclass(frozen=True)
class Request:
    client_id: str
    path: str
    cost: int = 1


@dataclass(frozen=True)
class Response:
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Response]


def limit_headers(decision: Decision, limit: int) -> dict[str, str]:
    """The rate-limit headers sent with every response."""
    headers = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(decision.remaining)}
    if not decision.allowed:
        headers["Retry-After"] = str(decision.retry_after)
    return headers


class RateLimitMiddleware:
    """Wraps ``app``: rate-limited requests get 429 and never reach it."""

    def __init__(self, app: Handler, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    def __call__(self, request: Request) -> Response:
        decision = self.limiter.check(request.client_id, request.cost)
        headers = limit_headers(decision, self.limiter.burst)
        if not decision.allowed:
            return Response(429, "rate limit exceeded", headers)
        response = self.app(request)
        return Response(response.status, response.body, {**response.headers, **headers})
