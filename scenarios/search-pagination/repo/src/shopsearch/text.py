"""Turn text into search tokens."""

from __future__ import annotations

import re

STOPWORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "the", "to", "with"})
_WORD = re.compile(r"[0-9a-z]+")


def normalize(word: str) -> str:
    """A crude singular: "boots" -> "boot", but "glass" and "gps" stay as they are."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` without stopwords, in order (repeats kept)."""
    return [normalize(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
