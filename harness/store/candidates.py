"""Candidate ids: one person, one id, wherever a name enters dsim.

A name is typed in many places (``dsim start --candidate``, ``dsim submit --patch --candidate``,
a records CSV's ``engineer`` column, an exchange file). Each goes through
:func:`normalise_candidate` before it is stored or looked up, so ``Ada``, ``ada`` and ``  ADA `` are
one person; the name as typed is kept beside it for display. A name that is *near* an existing id
but not the same (:func:`near_duplicates`) is only a warning: two people may well be called
``ada`` and ``adam``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PUNCTUATION = re.compile(r"[\W_]+")


def normalise_candidate(name: str) -> str:
    """The candidate id of a typed name: case-folded, trimmed, inner whitespace one space."""
    return " ".join(name.casefold().split())


def display_name(name: str) -> str:
    """The name as a person typed it, for pages and listings (trimmed only)."""
    return " ".join(name.split())


def _within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one inserted, deleted or replaced character (or none)."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :] or (len(a) == len(b) and a[i + 1 :] == b[i + 1 :])


def near_duplicates(candidate: str, known: Iterable[str]) -> list[str]:
    """Known ids that are probably the same person as ``candidate`` but a different id.

    "Near" means: the same letters and digits once punctuation and spaces are removed
    (``ada.lovelace`` / ``ada-lovelace``), or one edit apart (``ada`` / ``adah``). Ids equal to
    ``candidate`` are the same person, not near duplicates. Both sides are normalised first.
    """
    mine = normalise_candidate(candidate)
    skeleton = _PUNCTUATION.sub("", mine)
    out = []
    for other in sorted({normalise_candidate(k) for k in known}):
        if other == mine:
            continue
        if _PUNCTUATION.sub("", other) == skeleton or _within_one_edit(mine, other):
            out.append(other)
    return out


def near_duplicate_warning(candidate: str, known: Iterable[str]) -> str | None:
    """One line naming the existing ids ``candidate`` is close to, or None."""
    close = near_duplicates(candidate, known)
    if not close:
        return None
    names = ", ".join(repr(c) for c in close)
    return (
        f"candidate {normalise_candidate(candidate)!r} is new but close to existing {names}: "
        "if they are the same person, use the existing id"
    )
