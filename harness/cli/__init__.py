"""The ``dsim`` command: parse, call one library function, map the result to an exit code.

Command groups live in sibling modules; heavy libraries (docker, sqlalchemy) load only when a
command needs them, so ``dsim --help`` is instant.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import click

from harness import __version__
from harness.errors import ExitCode


class Context:
    """Global options, resolved lazily."""

    def __init__(self, home: Path | None, db: str | None) -> None:
        self._home = home
        self._db = db
        self._store: Any = None

    @property
    def settings(self) -> Any:
        from harness.config import Settings

        return Settings.resolve(self._home, self._db)

    @property
    def store(self) -> Any:
        if self._store is None:
            from harness.store import Store

            self._store = Store(self.settings.db_url)
        return self._store


pass_ctx = click.make_pass_decorator(Context)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def json_option(fn: Any) -> Any:
    return click.option(
        "--json", "as_json", is_flag=True, help="Print machine-readable JSON only."
    )(fn)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dsim")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="DSIM_HOME",
    help="Data folder for the store and workspaces [env DSIM_HOME; default ~/.local/share/dsim].",
)
@click.option(
    "--db",
    envvar="DSIM_DB",
    metavar="URL",
    help="Store as any SQLAlchemy URL, e.g. postgresql://… [env DSIM_DB; default "
    "SQLite in --home].",
)
@click.pass_context
def cli(ctx: click.Context, home: Path | None, db: str | None) -> None:
    """dsim: onboarding delivery simulations, graded in containers.

    New hires: `dsim scenarios list`, `dsim start`, work, `dsim submit`.
    Assessors: `dsim grade --pending`, `dsim results`, `dsim score`.
    """
    if home is not None:
        os.environ["DSIM_HOME"] = str(home)
    ctx.obj = Context(home, db)


def _register() -> None:
    from harness.cli import grade, infra, reports, scenarios, scoring, workflow

    for module in (scenarios, workflow, grade, scoring, reports, infra):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    """Console entry point: clean errors, documented exit codes, no orphans on SIGTERM."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = cli.main(standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        click.echo("Interrupted: running containers were removed; re-run to resume.", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)
