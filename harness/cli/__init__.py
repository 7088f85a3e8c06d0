"""The ``dsim`` command: parse, call one library function, map the result to an exit code.

Command groups live in sibling modules; heavy libraries (docker, sqlalchemy) load only when a
command needs them, so ``dsim --help`` is instant.

Every expected failure leaves through :class:`DsimGroup`: one ``Error: …`` line on stderr, or with
``--json`` one JSON error object on stdout (``{"error": {"code", "kind", "message", "hint"}}``),
and the documented exit code. Paths the user names are read and written through :func:`user_path`,
so an unwritable or unreadable path is an error that names it, never a traceback.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from harness import __version__
from harness.errors import DsimError, ExitCode, unusable_path


class Context:
    """Global options, resolved lazily."""

    def __init__(self, home: Path | None, db: str | None) -> None:
        self._home = home
        self._db = db
        self._store: Any = None

    @property
    def settings(self) -> Any:
        from harness.config import Settings, home

        with user_path(self._home or home(), hint="set --home / DSIM_HOME to a writable folder"):
            return Settings.resolve(self._home, self._db)

    @property
    def store(self) -> Any:
        if self._store is None:
            from harness.cli._store import open_store

            self._store = open_store(self._db or self.settings.db_url)
        return self._store


pass_ctx = click.make_pass_decorator(Context)


def iso(moment: datetime) -> str:
    """ISO 8601 with the UTC offset (the store keeps UTC; SQLite hands it back without one)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _json_default(value: Any) -> Any:
    return iso(value) if isinstance(value, datetime) else str(value)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=_json_default))


def count(n: int, word: str, many: str | None = None) -> str:
    """``1 run``, ``2 runs``: a number and its noun, singular when it is one."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis, padded so columns align."""
    return (text if len(text) <= width else text[: width - 1] + "…").ljust(width)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> str:
    """Aligned columns under a header; the last column takes what is left of the line."""
    lines = [header, *rows]
    return "\n".join(
        " ".join([*(fit(c, w) for c, w in zip(line[:-1], widths, strict=True)), line[-1]]).rstrip()
        for line in lines
    )


def _touches(failed: Path, path: Path) -> bool:
    """Whether ``failed`` is ``path``, inside it, or one of the folders that lead to it."""
    failed, path = failed.absolute(), path.absolute()
    return failed == path or failed in path.parents or path in failed.parents


@contextmanager
def user_path(path: Path, *, hint: str, reading: bool = False) -> Iterator[None]:
    """Turn a failure to read or write ``path`` (a path the user named) into a clean error.

    Errors about other files (a missing ``git``, the store) pass through untouched.
    """
    try:
        yield
    except UnicodeDecodeError as exc:
        raise unusable_path(path, exc, hint=hint, reading=True) from None
    except OSError as exc:
        if exc.filename is None or not _touches(Path(os.fsdecode(exc.filename)), path):
            raise
        raise unusable_path(path, exc, hint=hint, reading=reading) from None


def read_text(path: Path, *, hint: str) -> str:
    """The UTF-8 text of an input file the user named."""
    with user_path(path, hint=hint, reading=True):
        return path.read_text(encoding="utf-8")


def write_text(path: Path, text: str, *, hint: str = "choose a writable file with -o") -> None:
    """Write an output file the user named (making its folder) and say where it went;
    ``-`` is standard output."""
    if str(path) == "-":
        click.echo(text, nl=False)
        return
    with user_path(path, hint=hint):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    click.echo(f"wrote {path}", err=True)


def _wants_json(args: Sequence[str]) -> bool:
    """``--json`` among the arguments (it takes no value, so its presence is enough)."""
    args = list(args)
    return "--json" in (args[: args.index("--")] if "--" in args else args)


def render_error(exc: click.ClickException, *, as_json: bool) -> None:
    """One ``Error:`` line on stderr, or with ``--json`` one JSON error object on stdout."""
    if isinstance(exc, DsimError):
        if as_json:
            click.echo(json.dumps({"error": exc.as_dict()}))
        else:
            click.echo(f"Error: {exc.format_message()}", err=True)
        return
    message, hint = exc.format_message(), None
    if isinstance(exc, click.UsageError):  # click's own: bad options, arguments and values
        hint = f"see `{exc.ctx.command_path if exc.ctx else 'dsim'} --help`"
    if as_json:
        code = ExitCode(exc.exit_code)
        error = {"code": int(code), "kind": code.kind, "message": message, "hint": hint}
        click.echo(json.dumps({"error": error}))
    else:
        click.echo(f"Error: {message}" + (f" ({hint})" if hint else ""), err=True)


class DsimGroup(click.Group):
    """The ``dsim`` group: documented exit codes and clean errors, in-process too (CliRunner)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except (click.exceptions.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            click.echo("Interrupted: running containers were removed; re-run to resume.", err=True)
            code = ExitCode.INTERRUPTED
        except click.ClickException as exc:
            render_error(exc, as_json=_wants_json(argv))
            code = exc.exit_code
        code = code if isinstance(code, int) else ExitCode.OK
        if not standalone_mode:
            return code
        sys.exit(code)


def json_option(fn: Any) -> Any:
    return click.option(
        "--json", "as_json", is_flag=True, help="Print machine-readable JSON only."
    )(fn)


@click.group(cls=DsimGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    from harness.cli import (
        fairness,
        grade,
        infra,
        items,
        overrides,
        packs,
        privacy,
        queue,
        reports,
        results,
        scenarios,
        scoring,
        server,
        validity,
        workflow,
    )

    modules = (
        scenarios,
        packs,
        workflow,
        results,
        grade,
        queue,
        scoring,
        overrides,
        reports,
        items,
        fairness,
        validity,
        privacy,
        server,
        infra,
    )
    for module in modules:
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    """Console entry point: clean errors, documented exit codes, no orphans on SIGTERM."""
    signal.signal(signal.SIGTERM, _terminate)
    cli.main()
