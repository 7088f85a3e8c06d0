"""One error tree for dsim, rooted at click.ClickException, with an exit code per class.

Known problems print one clean ``Error: …`` line that says what to do (with ``--json``, one JSON
error object: :meth:`DsimError.as_dict`); unknown problems keep their traceback. Exceptions carry
data, never loggers.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any

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

    @property
    def kind(self) -> str:
        """The code's name in JSON error objects: ``not-found``, ``invalid-input``, …"""
        return self.name.lower().replace("_", "-")


class DsimError(click.ClickException):
    """Base of every expected dsim failure: ``summary`` says what is wrong, ``hint`` what to do."""

    exit_code = ExitCode.FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.summary = message
        self.hint = hint
        super().__init__(f"{message}: {hint}" if hint else message)

    def as_dict(self) -> dict[str, Any]:
        """The JSON error object ``--json`` prints instead of the ``Error:`` line."""
        code = ExitCode(self.exit_code)
        return {"code": int(code), "kind": code.kind, "message": self.summary, "hint": self.hint}


class InvalidInput(DsimError):
    """An input file is malformed; ``problems`` lists everything found."""

    exit_code = ExitCode.INVALID_INPUT

    def __init__(
        self, message: str, *, problems: list[str] | None = None, hint: str | None = None
    ) -> None:
        self.problems = problems or []
        super().__init__(message, hint=hint)

    def format_message(self) -> str:
        """One line saying what is wrong and what to do, then one line per problem."""
        return self.message + "".join(f"\n  - {p}" for p in self.problems)

    def __str__(self) -> str:
        return self.format_message()

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "problems": list(self.problems)}


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


def unusable_path(
    path: Path, exc: OSError | UnicodeDecodeError, *, hint: str, reading: bool = False
) -> DsimError:
    """The clean error for a path named on the command line that cannot be read or written.

    ``exc`` names the file that failed (the path, or a folder on the way that could not be
    made). An input file that is not there is NotFound; anything else (permissions, a read-only
    file system, a folder where a file belongs, bytes that are not UTF-8 text) is InvalidInput.
    """
    if isinstance(exc, UnicodeDecodeError):
        return InvalidInput(f"{path} is not UTF-8 text (byte {exc.start})", hint=hint)
    where = exc.filename or path
    why = (exc.strerror or type(exc).__name__).lower()
    if reading and isinstance(exc, FileNotFoundError):
        return NotFound(f"no file {where}", hint=hint)
    return InvalidInput(f"cannot {'read' if reading else 'write'} {where}: {why}", hint=hint)
