"""The ticket: every client has its own bucket, with the configured burst."""

from ratelimit import ManualClock, RateLimiter, settings
from ratelimit.middleware import RateLimitMiddleware, Request, Response


def test_each_client_gets_its_own_burst():
    limiter = RateLimiter(clock=ManualClock())
    burst = settings.DEFAULT_BURST
    assert all(limiter.check("noisy").allowed for _ in range(burst))
    assert not limiter.check("noisy").allowed
    assert all(limiter.check("quiet").allowed for _ in range(burst))
    assert not limiter.check("quiet").allowed


def test_remaining_is_counted_per_client():
    limiter = RateLimiter(rate=1, burst=3, clock=ManualClock())
    assert [limiter.check("a").remaining for _ in range(2)] == [2, 1]
    assert limiter.check("b").remaining == 2
    assert limiter.check("a").remaining == 0


def test_len_counts_distinct_clients():
    limiter = RateLimiter(rate=1, burst=3, clock=ManualClock())
    for client in ["a", "b", "a", "c", "b"]:
        limiter.check(client)
    assert len(limiter) == 3


def test_middleware_throttles_only_the_noisy_client():
    app = RateLimitMiddleware(lambda request: Response(200, "ok"),
                              RateLimiter(rate=1, burst=2, clock=ManualClock()))
    noisy = [app(Request("noisy", "/orders")).status for _ in range(3)]
    assert noisy == [200, 200, 429]
    quiet = app(Request("quiet", "/orders"))
    assert quiet.status == 200
    assert quiet.headers["X-RateLimit-Remaining"] == "1"
