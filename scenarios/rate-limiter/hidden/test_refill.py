"""Tokens accrue continuously: how often a client asks must not change how fast it refills."""

from ratelimit import ManualClock, RateLimiter
from ratelimit.middleware import RateLimitMiddleware, Request, Response


def test_frequent_polling_still_refills():
    clock = ManualClock()
    limiter = RateLimiter(rate=2, burst=1, clock=clock)
    assert limiter.check("key-1").allowed
    allowed = 0
    for _ in range(8):  # two seconds, asked every quarter second
        clock.advance(0.25)
        allowed += limiter.check("key-1").allowed
    assert allowed == 4


def test_slow_rate_refills_after_its_period_even_when_asked_in_between():
    clock = ManualClock()
    limiter = RateLimiter(rate=0.5, burst=1, clock=clock)
    assert limiter.check("key-1").allowed
    clock.advance(1)
    assert not limiter.check("key-1").allowed
    clock.advance(1)
    assert limiter.check("key-1").allowed


def test_client_retrying_twice_a_second_gets_one_request_per_second():
    clock = ManualClock()
    app = RateLimitMiddleware(lambda request: Response(200, "ok"),
                              RateLimiter(rate=1, burst=1, clock=clock))
    statuses = []
    for _ in range(8):
        statuses.append(app(Request("key-1", "/orders")).status)
        clock.advance(0.5)
    assert statuses == [200, 429, 200, 429, 200, 429, 200, 429]
