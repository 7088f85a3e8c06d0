"""Request rate limiting for the public API: token buckets behind a small middleware."""

from ratelimit.bucket import TokenBucket
from ratelimit.clock import Clock, ManualClock
from ratelimit.limiter import Decision, RateLimiter

__all__ = ["Clock", "Decision", "ManualClock", "RateLimiter", "TokenBucket"]
