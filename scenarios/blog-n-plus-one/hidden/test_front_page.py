"""The front page listing the ticket asked for (keep: front-page)."""

from datetime import datetime, timedelta, timezone

from inkwell import connect
from inkwell.authors import create_author
from inkwell.comments import add_comment, approve
from inkwell.frontpage import front_page
from inkwell.posts import create_post, publish
from inkwell.settings import FRONT_PAGE_SIZE

T0 = datetime(2026, 5, 4, 7, 30, tzinfo=timezone.utc)


def _blog():
    conn = connect()
    grace = create_author(conn, "grace", "Grace Hopper")
    edsger = create_author(conn, "edsger", "Edsger Dijkstra")
    a = create_post(conn, grace, "Compilers", "...", published_at=T0, tags=["Languages", "history"])
    b = create_post(conn, edsger, "GOTO", "...", published_at=T0 + timedelta(hours=2), tags=["languages"])
    c = create_post(conn, grace, "Nanoseconds", "...", published_at=T0 + timedelta(hours=2))
    create_post(conn, edsger, "Unfinished", "...", tags=["languages"])
    for post, n in ((a, 2), (b, 1)):
        for k in range(n):
            approve(conn, add_comment(conn, post, f"reader{k}", "+1"))
    return conn, (a, b, c)


def test_newest_first_with_ties_broken_by_newest_id():
    conn, (a, b, c) = _blog()
    page = front_page(conn)
    assert [p.post_id for p in page] == [c, b, a]
    assert [p.title for p in page] == ["Nanoseconds", "GOTO", "Compilers"]


def test_each_entry_has_author_tags_comments_and_date():
    conn, (a, b, c) = _blog()
    by_id = {p.post_id: p for p in front_page(conn)}
    assert by_id[a].author == "Grace Hopper"
    assert by_id[a].tags == ("history", "languages")
    assert by_id[a].comments == 2
    assert by_id[a].published_at == "2026-05-04T07:30:00Z"
    assert by_id[b].author == "Edsger Dijkstra"
    assert by_id[c].tags == ()
    assert by_id[c].comments == 0


def test_drafts_never_appear_until_published():
    conn, _ = _blog()
    assert "Unfinished" not in [p.title for p in front_page(conn)]
    draft = create_post(conn, 1, "Later", "...")
    publish(conn, draft, T0 + timedelta(days=1))
    assert front_page(conn)[0].title == "Later"


def test_limit_and_default_page_size():
    conn, _ = _blog()
    assert [p.title for p in front_page(conn, limit=2)] == ["Nanoseconds", "GOTO"]
    assert front_page(conn, limit=0) == []
    for n in range(FRONT_PAGE_SIZE + 3):
        create_post(conn, 1, f"Bulk {n}", "...", published_at=T0 - timedelta(days=n + 1))
    assert len(front_page(conn)) == FRONT_PAGE_SIZE


def test_tag_filter_is_case_insensitive_and_keeps_the_order():
    conn, (a, b, c) = _blog()
    assert [p.post_id for p in front_page(conn, tag="LANGUAGES")] == [b, a]
    assert [p.post_id for p in front_page(conn, tag="languages", limit=1)] == [b]
    assert front_page(conn, tag="cooking") == []
