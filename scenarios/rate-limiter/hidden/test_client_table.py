"""Memory stays bounded: never more than max_clients buckets, however many clients show up."""

from ratelimit import ManualClock, RateLimiter, settings


def test_tracked_clients_never_exceed_max_clients():
    limiter = RateLimiter(rate=1, burst=5, clock=ManualClock(), max_clients=10)
    for n in range(100):
        limiter.check(f"spoofed-{n}")
        assert len(limiter) <= 10


def test_default_bound_comes_from_settings():
    limiter = RateLimiter(rate=1, burst=5, clock=ManualClock())
    for n in range(settings.MAX_TRACKED_CLIENTS + 25):
        limiter.check(f"spoofed-{n}")
    assert len(limiter) <= settings.MAX_TRACKED_CLIENTS


def test_new_clients_get_their_burst_after_the_table_fills():
    limiter = RateLimiter(rate=1, burst=2, clock=ManualClock(), max_clients=5)
    for n in range(20):
        assert limiter.check(f"client-{n}").allowed
    assert len(limiter) == 5


def test_recently_active_client_keeps_its_state_when_others_are_evicted():
    limiter = RateLimiter(rate=1, burst=2, clock=ManualClock(), max_clients=3)
    assert [limiter.check("abuser").allowed for _ in range(3)] == [True, True, False]
    limiter.check("b")
    limiter.check("c")
    assert not limiter.check("abuser").allowed
    limiter.check("d")
    assert len(limiter) == 3
    assert not limiter.check("abuser").allowed
