"""Environment overrides: ``SVC_DATABASE__POOL_SIZE=20`` sets ``[database] pool_size``.

Double underscores separate the section from the key. Values stay strings; the section parsers
convert them like the values of the file.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

PREFIX = "SVC_"


def apply_env_overrides(raw: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """A copy of ``raw`` with every ``SVC_SECTION__KEY`` variable applied."""
    merged = copy.deepcopy(raw)
    for name, value in sorted(environ.items()):
        if not name.startswith(PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(PREFIX):].lower().partition("__")
        if not section or not key:
            continue
        target = merged.setdefault(section, {})
        if isinstance(target, dict):
            target[key] = value
    return merged
