"""Load flags from the JSON document the flag dashboard publishes.

The document looks like::

    {"flags": {"new-checkout": {"enabled": true, "rollout": 25,
                                "allow_users": ["u-1"], "platforms": ["ios"]}}}

Every problem is a FlagConfigError naming the flag: a typo must never silently turn a flag on.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flagkit.model import Flag

PLATFORMS = frozenset({"ios", "android", "web"})
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
_KEYS = frozenset({"enabled", "rollout", "allow_users", "platforms", "description"})


class FlagConfigError(ValueError):
    """The flag document is invalid."""


def _strings(name: str, key: str, value: Any) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise FlagConfigError(f"flag {name!r}: {key!r} must be a list of non-empty strings")
    return frozenset(value)


def parse_flag(name: str, raw: Any) -> Flag:
    """One flag from its JSON object."""
    if not _NAME.match(name):
        raise FlagConfigError(f"flag name {name!r} must be lower-case letters, digits and '-'")
    if not isinstance(raw, dict):
        raise FlagConfigError(f"flag {name!r}: expected an object")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise FlagConfigError(f"flag {name!r}: unknown key(s) {', '.join(unknown)}")
    enabled = raw.get("enabled", False)
    if not isinstance(enabled, bool):
        raise FlagConfigError(f"flag {name!r}: 'enabled' must be true or false")
    rollout = raw.get("rollout", 100)
    if isinstance(rollout, bool) or not isinstance(rollout, int) or not 0 <= rollout <= 100:
        raise FlagConfigError(f"flag {name!r}: 'rollout' must be an integer from 0 to 100")
    platforms = _strings(name, "platforms", raw.get("platforms", []))
    if platforms - PLATFORMS:
        bad = ", ".join(sorted(platforms - PLATFORMS))
        raise FlagConfigError(f"flag {name!r}: unknown platform(s) {bad}")
    return Flag(
        name=name,
        enabled=enabled,
        rollout_percent=rollout,
        allow_users=_strings(name, "allow_users", raw.get("allow_users", [])),
        platforms=platforms,
    )


def load_flags(text: str) -> dict[str, Flag]:
    """Every flag of a published document, by name."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FlagConfigError(f"not valid JSON: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("flags"), dict):
        raise FlagConfigError('expected an object with a "flags" object')
    return {name: parse_flag(name, raw) for name, raw in document["flags"].items()}
