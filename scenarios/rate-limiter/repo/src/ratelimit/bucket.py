"""The token bucket.

A bucket holds up to ``capacity`` tokens and gains ``rate`` tokens per second. A request costs
tokens; when there are not enough, it is refused. Tokens are fractional on purpose: a bucket that
refills at 0.5 tokens/s holds a whole token two seconds after it was emptied, however often it
was asked in between.
"""

from __future__ import annotations

from ratelimit.clock import Clock, monotonic


class TokenBucket:
    """One token bucket, reading time from ``clock``."""

    def __init__(self, rate: float, capacity: float, clock: Clock = monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._tokens = float(capacity)
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
        self._updated = now

    @property
    def tokens(self) -> float:
        """Tokens available now."""
        self._refill()
        return self._tokens

    def try_acquire(self, cost: float = 1) -> bool:
        """Take ``cost`` tokens if there are enough; say whether it did."""
        self._refill()
        if self._tokens >= cost:
            self._tokens -= cost
            return True
        return False

    def wait_time(self, cost: float = 1) -> float:
        """Seconds until ``cost`` tokens will be available (0.0 if they are now)."""
        self._refill()
        return max(0.0, (cost - self._tokens) / self.rate)
