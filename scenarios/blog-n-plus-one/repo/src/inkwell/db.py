"""The SQLite database: schema and connections.

Every function in this package takes an open connection as its first argument; the web layer
opens one per request. Rows come back as ``sqlite3.Row`` (access by column name).
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS authors (
    id           INTEGER PRIMARY KEY,
    handle       TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS posts (
    id           INTEGER PRIMARY KEY,
    author_id    INTEGER NOT NULL REFERENCES authors(id),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    published_at TEXT            -- ISO 8601 UTC; NULL while the post is a draft
);
CREATE INDEX IF NOT EXISTS posts_published ON posts(published_at);
CREATE TABLE IF NOT EXISTS tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS post_tags (
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    tag_id  INTEGER NOT NULL REFERENCES tags(id),
    PRIMARY KEY (post_id, tag_id)
);
CREATE TABLE IF NOT EXISTS comments (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    author_name TEXT NOT NULL,
    body        TEXT NOT NULL,
    approved    INTEGER NOT NULL DEFAULT 0   -- comments wait for moderation
);
CREATE INDEX IF NOT EXISTS comments_post ON comments(post_id);
"""


def connect(path: str = ":memory:") -> sqlite3.Connection:
    """Open the database at ``path`` (creating the schema if needed)."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.executescript(SCHEMA)
    return conn
