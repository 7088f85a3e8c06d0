"""Is a flag on for a client?"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from flagkit.model import Context, Flag
from flagkit.settings import BUCKET_SALT


def bucket(flag_name: str, user_id: str) -> int:
    """The user's stable bucket (0-99) for one flag."""
    digest = hashlib.sha256(f"{BUCKET_SALT}:{flag_name}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100


def is_enabled(flag: Flag, ctx: Context) -> bool:
    """Whether ``flag`` is on for the client described by ``ctx``.

    Order matters: the master switch and the platform filter apply to everyone, allow-listed users
    skip only the percentage rollout.
    """
    if not flag.enabled:
        return False
    if flag.platforms and ctx.platform not in flag.platforms:
        return False
    if ctx.user_id in flag.allow_users:
        return True
    return bucket(flag.name, ctx.user_id) < flag.rollout_percent


def enabled_flags(flags: Mapping[str, Flag], ctx: Context) -> list[str]:
    """Names of the flags that are on for ``ctx``, sorted."""
    return sorted(name for name, flag in flags.items() if is_enabled(flag, ctx))
