"""Authors: the people who write posts."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Author:
    id: int
    handle: str
    display_name: str


def create_author(conn: sqlite3.Connection, handle: str, display_name: str) -> int:
    """Add an author; ``handle`` is unique (sqlite3.IntegrityError otherwise)."""
    cursor = conn.execute(
        "INSERT INTO authors (handle, display_name) VALUES (?, ?)", (handle.lower(), display_name)
    )
    return cursor.lastrowid


def get_author(conn: sqlite3.Connection, author_id: int) -> Author | None:
    row = conn.execute("SELECT id, handle, display_name FROM authors WHERE id = ?", (author_id,)).fetchone()
    return Author(row["id"], row["handle"], row["display_name"]) if row else None
