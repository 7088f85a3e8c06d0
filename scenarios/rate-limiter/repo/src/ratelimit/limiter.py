"""The API rate limiter: decides, per request, whether a client may go ahead.

Today every client shares one bucket, so one noisy client throttles everybody.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ratelimit import settings
from ratelimit.bucket import TokenBucket
from ratelimit.clock import Clock, monotonic


@dataclass(frozen=True)
class Decision:
    """The limiter's answer for one request."""

    allowed: bool
    remaining: int
    """Whole requests the client may still send right now."""
    retry_after: int
    """Whole seconds to wait before retrying (0 when allowed); never too early, as the
    ``Retry-After`` header promises."""


class RateLimiter:
    """Allows ``rate`` requests per second with bursts of up to ``burst``."""

    def __init__(self, rate: float = settings.DEFAULT_RATE, burst: int = settings.DEFAULT_BURST,
                 *, clock: Clock = monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._bucket = TokenBucket(rate, burst, clock)

    def check(self, client_id: str, cost: int = 1) -> Decision:
        """Record a request of ``client_id`` costing ``cost`` and decide on it."""
        if self._bucket.try_acquire(cost):
            return Decision(allowed=True, remaining=int(self._bucket.tokens), retry_after=0)
        return Decision(allowed=False, remaining=int(self._bucket.tokens),
                        retry_after=math.ceil(self._bucket.wait_time(cost)))
