"""One error tree for dsim, rooted at click.ClickException, with an exit code per class.

Known problems print one clean ``Error: …`` line that says what to do; unknown problems keep their
traceback. Exceptions carry data, never loggers.
"""

from __future__ import annotations

from enum import IntEnum

import click


class ExitCode(IntEnum):
    """Process exit codes of the ``dsim`` command (documented in the README)."""

    OK = 0
    FAILED = 1
    """The command ran, and what it checked did not hold (e.g. a scenario check failed)."""
    USAGE = 2
    """Bad command line (click's own code)."""
    INVALID_INPUT = 3
    """A manifest, patch, CSV or other input file is malformed."""
    NOT_FOUND = 4
    """A scenario, submission or candidate does not exist."""
    INTEGRITY = 5
    """A submission touched protected paths or tampered with grading."""
    INFRA = 6
    """Infrastructure failed (Docker engine down, image missing): not the candidate's fault."""
    INTERRUPTED = 130


class DsimError(click.ClickException):
    """Base of every expected dsim failure."""

    exit_code = ExitCode.FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.hint = hint
        super().__init__(f"{message}: {hint}" if hint else message)


class InvalidInput(DsimError):
    """An input file is malformed; ``problems`` lists everything found."""

    exit_code = ExitCode.INVALID_INPUT

    def __init__(
        self, message: str, *, problems: list[str] | None = None, hint: str | None = None
    ) -> None:
        self.problems = problems or []
        details = "".join(f"\n  - {p}" for p in self.problems)
        super().__init__(message + details, hint=hint)


class NotFound(DsimError):
    """A named thing does not exist."""

    exit_code = ExitCode.NOT_FOUND


class PatchError(InvalidInput):
    """A patch does not apply; the message names the file and the hunk."""


class InfraError(DsimError):
    """The execution infrastructure failed; never scored as the candidate's failure."""

    exit_code = ExitCode.INFRA


class CheckFailed(DsimError):
    """A scenario self-check or another verification did not hold."""

    exit_code = ExitCode.FAILED
