from datetime import datetime, timezone

import pytest

from inkwell import connect
from inkwell.authors import create_author, get_author
from inkwell.posts import create_post, get_post, publish, tags_for_post


@pytest.fixture
def conn():
    return connect()


def test_post_is_a_draft_until_published(conn):
    ada = create_author(conn, "Ada", "Ada Lovelace")
    post_id = create_post(conn, ada, "Notes", "On the engine")
    assert get_post(conn, post_id).is_draft
    publish(conn, post_id, datetime(2026, 11, 1, 9, 30, tzinfo=timezone.utc))
    assert get_post(conn, post_id).published_at == "2026-11-01T09:30:00Z"


def test_tags_are_normalised_and_sorted(conn):
    ada = create_author(conn, "ada", "Ada Lovelace")
    post_id = create_post(conn, ada, "Notes", "...", tags=["Python", " sqlite", "python"])
    assert tags_for_post(conn, post_id) == ["python", "sqlite"]


def test_authors(conn):
    ada = create_author(conn, "Ada", "Ada Lovelace")
    assert get_author(conn, ada).handle == "ada"
    assert get_author(conn, ada + 1) is None
