"""Behaviour that worked before the front page was added."""

from datetime import datetime, timezone

from inkwell import connect
from inkwell.authors import create_author, get_author
from inkwell.comments import add_comment, approve, approved_comments
from inkwell.posts import create_post, get_post, tags_for_post


def test_posts_tags_and_authors_round_trip():
    conn = connect()
    ada = create_author(conn, "ADA", "Ada Lovelace")
    post = create_post(conn, ada, "Notes", "body", published_at=datetime(2026, 2, 3, 4, 5, 6, tzinfo=timezone.utc), tags=["B", "a"])
    assert get_post(conn, post).published_at == "2026-02-03T04:05:06Z"
    assert tags_for_post(conn, post) == ["a", "b"]
    assert get_author(conn, ada).display_name == "Ada Lovelace"


def test_approved_comments_oldest_first():
    conn = connect()
    post = create_post(conn, create_author(conn, "ada", "Ada"), "Notes", "...")
    ids = [add_comment(conn, post, name, "hi") for name in ("x", "y", "z")]
    approve(conn, ids[2])
    approve(conn, ids[0])
    assert [c.author_name for c in approved_comments(conn, post)] == ["x", "z"]
