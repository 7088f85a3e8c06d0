"""Behaviour that worked before the change and must keep working."""

import pytest

from ratelimit import ManualClock, RateLimiter, TokenBucket, settings
from ratelimit.middleware import RateLimitMiddleware, Request, Response


def test_token_bucket_keeps_fractional_tokens():
    clock = ManualClock()
    bucket = TokenBucket(rate=0.25, capacity=2, clock=clock)
    assert bucket.try_acquire(2)
    clock.advance(2)
    assert bucket.tokens == pytest.approx(0.5)
    clock.advance(2)
    assert bucket.try_acquire()


def test_single_client_burst_then_refusal_then_refill():
    clock = ManualClock()
    limiter = RateLimiter(rate=1, burst=3, clock=clock)
    assert [limiter.check("k").allowed for _ in range(4)] == [True, True, True, False]
    clock.advance(1)
    assert [limiter.check("k").allowed for _ in range(2)] == [True, False]


def test_refill_is_capped_at_the_burst():
    clock = ManualClock()
    limiter = RateLimiter(rate=1, burst=2, clock=clock)
    limiter.check("k")
    clock.advance(3600)
    assert [limiter.check("k").allowed for _ in range(3)] == [True, True, False]


def test_whole_second_retry_after():
    limiter = RateLimiter(rate=1, burst=1, clock=ManualClock())
    limiter.check("k")
    assert limiter.check("k").retry_after == 1


def test_expensive_requests_cost_more():
    limiter = RateLimiter(rate=1, burst=3, clock=ManualClock())
    assert limiter.check("k", cost=3).allowed
    refused = limiter.check("k", cost=2)
    assert not refused.allowed
    assert refused.retry_after == 2


def test_defaults_come_from_settings():
    limiter = RateLimiter(clock=ManualClock())
    assert limiter.rate == settings.DEFAULT_RATE
    assert limiter.burst == settings.DEFAULT_BURST


@pytest.mark.parametrize(("rate", "burst"), [(0, 1), (-2, 5), (1, 0)])
def test_invalid_configuration_is_refused(rate, burst):
    with pytest.raises(ValueError):
        RateLimiter(rate=rate, burst=burst, clock=ManualClock())


def test_middleware_passes_allowed_requests_through_with_headers():
    seen = []

    def app(request):
        seen.append(request.path)
        return Response(201, "created", {"Location": "/orders/1"})

    wrapped = RateLimitMiddleware(app, RateLimiter(rate=1, burst=2, clock=ManualClock()))
    response = wrapped(Request("k", "/orders"))
    assert response.status == 201
    assert response.headers == {"Location": "/orders/1", "X-RateLimit-Limit": "2",
                                "X-RateLimit-Remaining": "1"}
    assert seen == ["/orders"]


def test_middleware_refusal_does_not_reach_the_app():
    seen = []
    wrapped = RateLimitMiddleware(lambda r: seen.append(r) or Response(200),
                                  RateLimiter(rate=1, burst=1, clock=ManualClock()))
    wrapped(Request("k", "/orders"))
    refused = wrapped(Request("k", "/orders"))
    assert refused.status == 429
    assert refused.headers["Retry-After"] == "1"
    assert len(seen) == 1
