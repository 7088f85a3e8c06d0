"""Where dsim keeps its data (``--home`` / DSIM_HOME, ``--db`` / DSIM_DB), the grading queue's
broker (``--broker`` / DSIM_BROKER), and what a submission may carry (DSIM_MAX_DIFF_KB,
DSIM_MAX_FILE_KB, DSIM_MAX_REVIEW_KB, DSIM_MAX_FILES).

Settings travel explicitly (a frozen :class:`Settings`), never through module globals, so a grading
job can run anywhere the store URL and the scenario content reach.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


def broker(given: str | None = None) -> str | None:
    """The grading queue's broker URL: ``given`` (``--broker``), else DSIM_BROKER, else None —
    grading stays in-process and ``dsim worker`` polls the store."""
    return given or os.environ.get("DSIM_BROKER") or None


def home() -> Path:
    """dsim's data folder: DSIM_HOME, else $XDG_DATA_HOME/dsim, else ~/.local/share/dsim."""
    explicit = os.environ.get("DSIM_HOME")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "dsim"


@dataclass(frozen=True, kw_only=True)
class SubmissionLimits:
    """The most a submission may carry; over any of them ``dsim submit`` stores nothing.

    The defaults leave two orders of magnitude over every built-in scenario's reference solution
    (at most a 9 KB diff, 5 files, a 2 KB REVIEW.md, 5 KB per file). Set in the environment:
    these are deployment settings like DSIM_DB, not scoring knobs (the profile file).
    """

    diff_kb: int = 1024
    """The whole diff (DSIM_MAX_DIFF_KB)."""
    file_kb: int = 256
    """Each file the diff adds, its content (DSIM_MAX_FILE_KB)."""
    review_kb: int = 64
    """REVIEW.md (DSIM_MAX_REVIEW_KB)."""
    files: int = 200
    """Files the diff touches (DSIM_MAX_FILES)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SubmissionLimits:
        """The defaults, with any DSIM_MAX_* set in ``environ`` (default ``os.environ``).

        Raises:
            ValueError: a DSIM_MAX_* is not a positive whole number (one line naming each).
        """
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        problems = []
        for field, name in _LIMIT_VARIABLES.items():
            text = env.get(name, "").strip()
            if not text:
                continue
            if not text.isdigit() or int(text) < 1:
                problems.append(f"{name}={text!r} must be a positive whole number")
                continue
            values[field] = int(text)
        if problems:
            raise ValueError("; ".join(problems))
        return cls(**values)


_LIMIT_VARIABLES = {
    "diff_kb": "DSIM_MAX_DIFF_KB",
    "file_kb": "DSIM_MAX_FILE_KB",
    "review_kb": "DSIM_MAX_REVIEW_KB",
    "files": "DSIM_MAX_FILES",
}


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Resolved global options."""

    home: Path
    db_url: str

    @classmethod
    def resolve(cls, home_dir: Path | None, db_url: str | None) -> Settings:
        root = home_dir or home()
        root.mkdir(parents=True, exist_ok=True)
        url = db_url or os.environ.get("DSIM_DB") or f"sqlite:///{root / 'dsim.db'}"
        return cls(home=root, db_url=url)

    def workspaces(self) -> Path:
        return self.home / "workspaces"
