from ratelimit import ManualClock, RateLimiter
from ratelimit.middleware import RateLimitMiddleware, Request, Response


def ok(request):
    return Response(200, "ok")


def test_burst_then_refused():
    limiter = RateLimiter(rate=1, burst=3, clock=ManualClock())
    decisions = [limiter.check("key-1") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]


def test_refused_request_says_when_to_retry():
    clock = ManualClock()
    limiter = RateLimiter(rate=1, burst=1, clock=clock)
    limiter.check("key-1")
    decision = limiter.check("key-1")
    assert decision.retry_after == 1
    clock.advance(decision.retry_after)
    assert limiter.check("key-1").allowed


def test_middleware_answers_429_with_headers():
    app = RateLimitMiddleware(ok, RateLimiter(rate=1, burst=1, clock=ManualClock()))
    first = app(Request("key-1", "/orders"))
    assert first.status == 200
    assert first.headers["X-RateLimit-Remaining"] == "0"
    second = app(Request("key-1", "/orders"))
    assert second.status == 429
    assert second.headers["Retry-After"] == "1"
