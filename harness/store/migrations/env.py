"""Alembic environment for the store, run by :class:`harness.store.Store` or by alembic itself.

``Store`` hands over its own connection (``config.attributes["connection"]``) already inside a
locked transaction, so every revision of an upgrade commits together or not at all. Without one
(a developer running ``alembic.command`` with ``sqlalchemy.url`` set, see the README) an engine
is made from that URL. The models' metadata comes in ``config.attributes["target_metadata"]``
(only autogenerate needs it). No logging configuration: dsim's logging belongs to dsim.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, MetaData, create_engine, pool


def _run(connection: Connection) -> None:
    metadata = context.config.attributes.get("target_metadata")
    context.configure(
        connection=connection,
        target_metadata=metadata if isinstance(metadata, MetaData) else None,
        render_as_batch=True,
    )  # SQLite alters tables by copying them
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    given = context.config.attributes.get("connection")
    if isinstance(given, Connection):
        _run(given)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url on the alembic Config (the store to migrate)")
    with create_engine(url, poolclass=pool.NullPool).connect() as connection:
        _run(connection)
        connection.commit()


_main()
