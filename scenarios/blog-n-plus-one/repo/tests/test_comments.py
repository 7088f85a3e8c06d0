from inkwell import connect
from inkwell.authors import create_author
from inkwell.comments import add_comment, approve, approved_comments
from inkwell.posts import create_post


def test_only_approved_comments_are_shown():
    conn = connect()
    post_id = create_post(conn, create_author(conn, "ada", "Ada"), "Notes", "...")
    first = add_comment(conn, post_id, "Bob", "Great post")
    add_comment(conn, post_id, "Spammer", "cheap watches")
    approve(conn, first)
    assert [c.author_name for c in approved_comments(conn, post_id)] == ["Bob"]
