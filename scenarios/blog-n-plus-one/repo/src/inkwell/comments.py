"""Reader comments. New comments wait for a moderator; only approved ones are ever shown."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Comment:
    id: int
    post_id: int
    author_name: str
    body: str
    approved: bool


def add_comment(conn: sqlite3.Connection, post_id: int, author_name: str, body: str) -> int:
    """Add a comment awaiting moderation; return its id."""
    cursor = conn.execute(
        "INSERT INTO comments (post_id, author_name, body) VALUES (?, ?, ?)", (post_id, author_name, body)
    )
    return cursor.lastrowid


def approve(conn: sqlite3.Connection, comment_id: int) -> None:
    conn.execute("UPDATE comments SET approved = 1 WHERE id = ?", (comment_id,))


def approved_comments(conn: sqlite3.Connection, post_id: int) -> list[Comment]:
    """The comments readers may see, oldest first."""
    rows = conn.execute(
        "SELECT id, post_id, author_name, body, approved FROM comments"
        " WHERE post_id = ? AND approved = 1 ORDER BY id",
        (post_id,),
    )
    return [Comment(r["id"], r["post_id"], r["author_name"], r["body"], bool(r["approved"])) for r in rows]
