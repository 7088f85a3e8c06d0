"""The store's schema history (Alembic revisions in ``versions/``) and bringing a store to head.

Invariants: a store's tables are only ever made or changed by these revisions, in order, in one
transaction under a lock (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory
lock), so two dsims opening the same store at once upgrade it once and a failed upgrade leaves it
as it was. A store at a revision this dsim does not know is refused, never touched. A store at
head is opened without importing alembic or taking a lock (every command opens the store).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, MetaData, create_engine, func, inspect, select, text

from harness import __version__
from harness.errors import InfraError

if TYPE_CHECKING:
    from alembic.config import Config

#: The newest revision in ``versions/``; a new revision moves it (a test checks they agree).
HEAD = "0008"

#: Key of the PostgreSQL advisory lock held while a store is upgraded (any fixed 64-bit number).
_PG_LOCK = 0x6473696D  # "dsim"


def config(
    connection: Connection | None = None, url: str | None = None, metadata: MetaData | None = None
) -> Config:
    """An alembic Config for these revisions, on ``connection`` (as Store runs them) or ``url``;
    ``metadata`` (the models' ``Base.metadata``) only to draft a revision with autogenerate.

    No alembic.ini: the scripts are found inside the installed package. The models are passed in
    rather than imported so that the store's models and its migrations do not import each other.
    """
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("harness.store") / "migrations"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if metadata is not None:
        cfg.attributes["target_metadata"] = metadata
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the store behind ``engine`` to :data:`HEAD`: create an empty one, stamp and upgrade
    one made before Alembic, upgrade an older one.

    Raises:
        InfraError: the store was made by a newer dsim, or is not a dsim store of any release.
    """
    with engine.connect() as conn:
        if _current(conn) == HEAD:
            return
    with engine.connect() as conn, _locked(conn):
        current = _current(conn)  # again, under the lock: another dsim may have just upgraded it
        if current == HEAD:
            return
        from alembic import command
        from alembic.script import ScriptDirectory

        cfg, where = config(conn), engine.url.render_as_string()  # the password hidden
        known = {script.revision for script in ScriptDirectory.from_config(cfg).walk_revisions()}
        if current is None:
            current = _unversioned_revision(conn, where)
            if current is not None:
                command.stamp(cfg, current)
        elif current not in known:
            raise InfraError(
                f"the store at {where} was made by a newer dsim than {__version__} (schema "
                f"revision {current}; this one knows up to {HEAD})",
                hint="open it with the dsim release that made it or a later one "
                "(`pip install -U dsim`)",
            )
        command.upgrade(cfg, "head")


def _current(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextmanager
def _locked(conn: Connection) -> Iterator[None]:
    """One transaction holding the store's write lock, committed when the block ends.

    SQLite: Python's sqlite3 begins a transaction only before DML, so DDL would autocommit; an
    explicit BEGIN IMMEDIATE takes the write lock up front (a second dsim waits for it, up to the
    driver's 5 s busy timeout) and makes the DDL part of the transaction. PostgreSQL's DDL is
    transactional already; the advisory lock makes a second dsim wait instead of failing on
    ``CREATE TABLE``. Other databases get the transaction without a lock.
    """
    with conn.begin():
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif conn.dialect.name == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(_PG_LOCK)))
        yield


def _unversioned_revision(conn: Connection, where: str) -> str | None:
    """The revision a store without ``alembic_version`` matches: None when it has none of dsim's
    tables (an empty database), else 0001 or 0002 by whether ``results.summary`` exists.

    Raises:
        InfraError: it has dsim tables but lacks columns the first release already had.
    """
    first = _schema_at("0001")
    inspector = inspect(conn)
    present = {
        t: {c["name"] for c in inspector.get_columns(t)}
        for t in inspector.get_table_names()
        if t in first
    }
    if not present:
        return None
    missing = [f"{t}.{c}" for t in present for c in first[t] if c not in present[t]]
    missing += [f"table {t}" for t in first if t not in present]
    if missing:
        raise InfraError(
            f"the store at {where} was made by an older dsim (missing {', '.join(missing[:5])})",
            hint="export it with the dsim that made it (`dsim export --format json`) and "
            "`dsim import` into a new --home or --db",
        )
    return "0002" if "summary" in present["results"] else "0001"


def _schema_at(revision: str) -> dict[str, list[str]]:
    """Tables and columns (in order) a new store has at ``revision``: built in memory."""
    from alembic import command

    engine = create_engine("sqlite://")
    try:
        with engine.connect() as conn, conn.begin():
            command.upgrade(config(conn), revision)
            inspector = inspect(conn)
            return {
                t: [c["name"] for c in inspector.get_columns(t)]
                for t in inspector.get_table_names()
                if t != "alembic_version"
            }
    finally:
        engine.dispose()
