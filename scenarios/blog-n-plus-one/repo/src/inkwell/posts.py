"""Posts and their tags."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass(frozen=True)
class Post:
    id: int
    author_id: int
    title: str
    body: str
    published_at: str | None

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _tag_id(conn: sqlite3.Connection, name: str) -> int:
    name = name.strip().lower()
    conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
    return conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()["id"]


def create_post(
    conn: sqlite3.Connection,
    author_id: int,
    title: str,
    body: str,
    *,
    published_at: datetime | None = None,
    tags: Iterable[str] = (),
) -> int:
    """Add a post (a draft unless ``published_at`` is given) with its tags; return its id."""
    cursor = conn.execute(
        "INSERT INTO posts (author_id, title, body, published_at) VALUES (?, ?, ?, ?)",
        (author_id, title, body, _iso(published_at) if published_at else None),
    )
    post_id = cursor.lastrowid
    for name in tags:
        conn.execute(
            "INSERT OR IGNORE INTO post_tags (post_id, tag_id) VALUES (?, ?)", (post_id, _tag_id(conn, name))
        )
    return post_id


def publish(conn: sqlite3.Connection, post_id: int, when: datetime) -> None:
    conn.execute("UPDATE posts SET published_at = ? WHERE id = ?", (_iso(when), post_id))


def get_post(conn: sqlite3.Connection, post_id: int) -> Post | None:
    row = conn.execute(
        "SELECT id, author_id, title, body, published_at FROM posts WHERE id = ?", (post_id,)
    ).fetchone()
    return Post(*row) if row else None


def tags_for_post(conn: sqlite3.Connection, post_id: int) -> list[str]:
    """The post's tag names, sorted."""
    rows = conn.execute(
        "SELECT t.name FROM tags t JOIN post_tags pt ON pt.tag_id = t.id WHERE pt.post_id = ? ORDER BY t.name",
        (post_id,),
    )
    return [row["name"] for row in rows]
