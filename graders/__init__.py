"""Grader plugins, registered by name. Each turns what a grading run produced into verdicts.

A grader is a function ``(GradeContext) -> GraderOutput``: item verdicts, findings (with codes)
and its own typed section of the result. Graders import :mod:`harness.grading.context` and
nothing else of the harness (an import-linter contract holds them to it). Scenarios choose
graders per flaw (``grader = "test-strength"``); ``hidden-tests``, ``review`` and ``scope``
always run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.grading.context import GradeContext, GraderOutput

Grader = Callable[["GradeContext"], "GraderOutput"]
_GRADERS: dict[str, Grader] = {}
DEFAULT = ("hidden-tests", "test-strength", "review", "scope")


class UnknownGrader(LookupError):
    """No grader has that name; the message lists the known ones."""


def grader(name: str) -> Callable[[Grader], Grader]:
    """Register a grader under ``name``."""

    def wrap(fn: Grader) -> Grader:
        _GRADERS[name] = fn
        return fn

    return wrap


def names() -> list[str]:
    _load()
    return sorted(_GRADERS)


def get(name: str) -> Grader:
    """The grader called ``name``; an unknown name lists the known ones."""
    _load()
    try:
        return _GRADERS[name]
    except KeyError:
        raise UnknownGrader(
            f"unknown grader {name!r}; known graders: {', '.join(sorted(_GRADERS))}"
        ) from None


def _load() -> None:
    from graders import hidden_tests, review, scope, test_strength  # noqa: F401
