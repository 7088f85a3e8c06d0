import pytest

from ratelimit import ManualClock, TokenBucket


def test_new_bucket_is_full():
    bucket = TokenBucket(rate=1, capacity=3, clock=ManualClock())
    assert [bucket.try_acquire() for _ in range(4)] == [True, True, True, False]


def test_refill_is_capped_at_capacity():
    clock = ManualClock()
    bucket = TokenBucket(rate=10, capacity=2, clock=clock)
    bucket.try_acquire(2)
    clock.advance(60)
    assert bucket.tokens == 2


def test_slow_refill_accumulates_fractions():
    clock = ManualClock()
    bucket = TokenBucket(rate=0.5, capacity=1, clock=clock)
    assert bucket.try_acquire()
    clock.advance(1)
    assert not bucket.try_acquire()
    clock.advance(1)
    assert bucket.try_acquire()


def test_wait_time():
    clock = ManualClock()
    bucket = TokenBucket(rate=4, capacity=1, clock=clock)
    bucket.try_acquire()
    assert bucket.wait_time() == pytest.approx(0.25)


@pytest.mark.parametrize(("rate", "capacity"), [(0, 1), (-1, 1), (1, 0)])
def test_invalid_configuration_is_refused(rate, capacity):
    with pytest.raises(ValueError):
        TokenBucket(rate=rate, capacity=capacity, clock=ManualClock())
