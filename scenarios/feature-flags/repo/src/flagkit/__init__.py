"""flagkit: decide which feature flags are on for a client."""

from flagkit.config import FlagConfigError, load_flags
from flagkit.evaluate import bucket, enabled_flags, is_enabled
from flagkit.model import Context, Flag

__all__ = [
    "Context",
    "Flag",
    "FlagConfigError",
    "bucket",
    "enabled_flags",
    "is_enabled",
    "load_flags",
]
