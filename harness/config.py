"""Where dsim keeps its data: ``--home`` / DSIM_HOME and ``--db`` / DSIM_DB.

Settings travel explicitly (a frozen :class:`Settings`), never through module globals, so a grading
job can run anywhere the store URL and the scenario content reach.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def home() -> Path:
    """dsim's data folder: DSIM_HOME, else $XDG_DATA_HOME/dsim, else ~/.local/share/dsim."""
    explicit = os.environ.get("DSIM_HOME")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "dsim"


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
