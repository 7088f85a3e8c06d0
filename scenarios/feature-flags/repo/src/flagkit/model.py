"""What a flag is, and what we know about the client asking."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Context:
    """The client a flag is evaluated for."""

    user_id: str
    client_version: str = ""
    """Version string the client reports, e.g. ``"2.4.1"``; empty when unknown."""
    platform: str = ""
    """``ios``, ``android`` or ``web``; empty when unknown."""


@dataclass(frozen=True)
class Flag:
    """One feature flag, as configured."""

    name: str
    enabled: bool = False
    """Master switch: a disabled flag is off for everyone."""
    rollout_percent: int = 100
    """Share of users (0-100) the flag is on for, by stable bucket."""
    allow_users: frozenset[str] = field(default_factory=frozenset)
    """Users who get the flag regardless of the rollout."""
    platforms: frozenset[str] = field(default_factory=frozenset)
    """Platforms the flag applies to; empty means every platform."""
