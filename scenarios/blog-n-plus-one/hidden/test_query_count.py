"""The front page must cost a bounded number of queries, whatever its size (flaw: n-plus-one).

Statements are counted with sqlite3's trace callback on the connection the test passes in.
"""

from datetime import datetime, timedelta, timezone

import pytest

from inkwell import connect
from inkwell.authors import create_author
from inkwell.comments import add_comment, approve
from inkwell.frontpage import front_page
from inkwell.posts import create_post

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
MAX_QUERIES = 5


def _blog(posts: int):
    conn = connect()
    authors = [create_author(conn, f"author{i}", f"Author {i}") for i in range(7)]
    for n in range(posts):
        tags = ["weekly", f"topic{n % 4}"] + (["release"] if n % 10 == 0 else [])
        post_id = create_post(conn, authors[n % 7], f"Post {n}", "...", published_at=T0 + timedelta(hours=n), tags=tags)
        for k in range(3):
            comment = add_comment(conn, post_id, f"reader{k}", "nice")
            if k < 2:
                approve(conn, comment)
    conn.commit()
    return conn


def _selects(conn, **options):
    statements = []
    conn.set_trace_callback(statements.append)
    try:
        page = front_page(conn, **options)
    finally:
        conn.set_trace_callback(None)
    reads = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    return page, reads


@pytest.mark.parametrize("posts", [5, 50, 200])
def test_front_page_uses_a_bounded_number_of_queries(posts):
    conn = _blog(posts)
    page, reads = _selects(conn, limit=posts)
    assert len(page) == posts
    assert len(reads) <= MAX_QUERIES, f"{len(reads)} SELECTs for {posts} posts"


def test_tag_filter_uses_a_bounded_number_of_queries():
    conn = _blog(200)
    page, reads = _selects(conn, limit=20, tag="release")
    assert [p.title for p in page] == [f"Post {n}" for n in range(190, -1, -10)]
    assert len(reads) <= MAX_QUERIES, f"{len(reads)} SELECTs for one tagged page"
