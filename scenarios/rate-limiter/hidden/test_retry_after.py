"""Retry-After is a promise: retrying after that many seconds must succeed."""

from ratelimit import ManualClock, RateLimiter
from ratelimit.middleware import RateLimitMiddleware, Request, Response


def test_retry_after_is_rounded_up_to_whole_seconds():
    limiter = RateLimiter(rate=2, burst=1, clock=ManualClock())
    limiter.check("key-1")
    decision = limiter.check("key-1")
    assert not decision.allowed
    assert decision.retry_after == 1


def test_retrying_after_the_advertised_delay_succeeds():
    clock = ManualClock()
    limiter = RateLimiter(rate=3, burst=2, clock=clock)
    limiter.check("key-1")
    limiter.check("key-1")
    decision = limiter.check("key-1")
    assert not decision.allowed
    clock.advance(decision.retry_after)
    assert limiter.check("key-1").allowed


def test_429_never_says_retry_after_zero():
    app = RateLimitMiddleware(lambda request: Response(200, "ok"),
                              RateLimiter(rate=4, burst=1, clock=ManualClock()))
    app(Request("key-1", "/orders"))
    refused = app(Request("key-1", "/orders"))
    assert refused.status == 429
    assert int(refused.headers["Retry-After"]) >= 1
