"""Opening the store named by ``--db`` / ``DSIM_DB`` with one-line errors that say what to do.

The URL is checked before the store is opened: a malformed URL or an unknown database is a bad
command line (exit 2), a missing driver names the package to install (6), a SQLite file in a
folder that does not exist or a file that is not a database is named with its path (4, 3).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from harness.errors import InfraError, InvalidInput, NotFound

_SQLITE_HEADER = b"SQLite format 3\x00"

_PACKAGES = {
    "MySQLdb": "mysqlclient",
    "pymysql": "PyMySQL",
    "mysql": "mysql-connector-python",
    "psycopg2": "psycopg2-binary",
    "psycopg": "psycopg[binary]",
    "pg8000": "pg8000",
    "asyncpg": "asyncpg",
    "oracledb": "oracledb",
    "cx_Oracle": "cx_Oracle",
    "pyodbc": "pyodbc",
    "pymssql": "pymssql",
}
"""DBAPI module → the package that provides it, for the install hint."""

_PARAM = "'--db' / DSIM_DB"


def shown(url: str) -> str:
    """``url`` with any password hidden, for messages."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _check(url: str) -> Path | None:
    """Refuse what cannot work before opening; the SQLite file the URL names, if it names one."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise click.BadParameter(
            f"{url!r} is not a database URL (e.g. sqlite:////path/to/dsim.db or "
            "postgresql+psycopg://user@host/db)",
            param_hint=_PARAM,
        ) from None
    try:
        dialect = parsed.get_dialect()
    except NoSuchModuleError:
        raise click.BadParameter(
            f"unknown database {parsed.drivername!r} in {shown(url)}", param_hint=_PARAM
        ) from None
    try:
        dialect.import_dbapi()
    except ImportError as exc:
        module = (exc.name or "").split(".")[0]
        package = _PACKAGES.get(module, module or "its driver")
        raise InfraError(
            f"the database driver for {parsed.drivername}:// is not installed "
            f"(no module {module!r})",
            hint=f"install it with `pip install {package}` or name an installed driver in the "
            "URL (e.g. postgresql+psycopg://)",
        ) from None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(str(parsed.database))
    _check_sqlite_file(path)
    return path


def _check_sqlite_file(path: Path) -> None:
    if not path.parent.is_dir():
        raise NotFound(
            f"the store's folder {path.parent} does not exist",
            hint="create it, or point --db / DSIM_DB (or --home) elsewhere",
        )
    if path.is_dir():
        raise InvalidInput(f"the store {path} is a folder", hint="name a file in --db / DSIM_DB")
    if not path.exists():
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise InvalidInput(
            f"cannot read the store {path}: {(exc.strerror or str(exc)).lower()}",
            hint="fix its permissions or point --db / DSIM_DB elsewhere",
        ) from None
    if header and header != _SQLITE_HEADER:
        raise InvalidInput(
            f"{path} is not a dsim store (not an SQLite database)",
            hint="point --db / DSIM_DB (or --home) at a dsim store or a new file",
        )


def open_store(url: str) -> Any:
    """The :class:`~harness.store.Store` at ``url``; every failure is one clean line."""
    from harness.store import Store

    sqlite_file = _check(url)
    new_file = sqlite_file is not None and not sqlite_file.exists()
    try:
        return Store(url)
    except InfraError as exc:
        if new_file:
            raise InvalidInput(
                f"cannot create the store {sqlite_file}",
                hint="point --db / DSIM_DB (or --home) at a writable folder",
            ) from exc
        cause = exc.__cause__
        detail = str(getattr(cause, "orig", None) or cause or exc.hint or "").strip()
        raise InfraError(
            f"cannot open the store at {shown(url)}",
            hint=f"{detail.splitlines()[0] if detail else 'unknown error'}; check --db / DSIM_DB",
        ) from exc
