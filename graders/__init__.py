"""Grader plugins, registered by name. Each turns what a grading run produced into verdicts.

A grader is a function ``(GradeContext) -> dict`` (a JSON-able section of the result). Scenarios
choose graders per flaw (``grader = "test-strength"``); ``hidden-tests``, ``review`` and ``scope``
always run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from harness.errors import InvalidInput

if TYPE_CHECKING:
    from harness.grading.pipeline import GradeContext

Grader = Callable[["GradeContext"], dict[str, Any]]
_GRADERS: dict[str, Grader] = {}
DEFAULT = ("hidden-tests", "test-strength", "review", "scope")


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
        raise InvalidInput(f"unknown grader {name!r}",
                           hint=f"known graders: {', '.join(sorted(_GRADERS))}") from None


def _load() -> None:
    from graders import hidden_tests, review, scope, test_strength  # noqa: F401
