"""The listing counts the comments readers can see (flaw: pending-comments-counted)."""

from datetime import datetime, timezone

from inkwell import connect
from inkwell.authors import create_author
from inkwell.comments import add_comment, approve
from inkwell.frontpage import front_page
from inkwell.posts import create_post

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def test_only_approved_comments_are_counted():
    conn = connect()
    ada = create_author(conn, "ada", "Ada Lovelace")
    post = create_post(conn, ada, "Engines", "...", published_at=T0)
    approve(conn, add_comment(conn, post, "Bob", "Lovely"))
    add_comment(conn, post, "Spammer", "cheap watches")
    add_comment(conn, post, "Spammer", "cheap bags")
    assert front_page(conn)[0].comments == 1


def test_post_with_only_pending_comments_shows_zero():
    conn = connect()
    ada = create_author(conn, "ada", "Ada Lovelace")
    post = create_post(conn, ada, "Engines", "...", published_at=T0)
    add_comment(conn, post, "Spammer", "cheap watches")
    assert front_page(conn)[0].comments == 0
