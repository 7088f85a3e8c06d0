"""The nightly sync the ticket asked for (keep: sync-job)."""

import importlib

import pytest

from contactsync import InMemoryCrm
from contactsync.settings import BACKOFF_SECONDS


@pytest.fixture
def sync():
    return importlib.import_module("contactsync.sync")


def _rows(*emails):
    return [(line, {"email": e, "first_name": "Alan", "last_name": "Turing"}) for line, e in enumerate(emails, 2)]


def test_new_contacts_are_created_and_known_ones_updated(sync):
    client = InMemoryCrm()
    first = sync.run_sync(_rows("a@shop.io", "b@shop.io"), client)
    second = sync.run_sync(_rows("b@shop.io", "c@shop.io", "A@Shop.io"), client)
    assert (first.created, first.updated, first.failed) == (2, 0, [])
    assert (second.created, second.updated, second.failed) == (1, 2, [])
    assert second.ok
    assert sorted(client.contacts) == ["a@shop.io", "b@shop.io", "c@shop.io"]


def test_rate_limited_contact_is_retried_with_exponential_backoff(sync):
    client = InMemoryCrm(rate_limit={"a@shop.io": 2})
    waits = []
    report = sync.run_sync(_rows("a@shop.io", "b@shop.io"), client, sleep=waits.append)
    assert report.created == 2
    assert report.ok
    assert waits == [BACKOFF_SECONDS, BACKOFF_SECONDS * 2]


def test_rejected_contact_is_not_retried(sync):
    client = InMemoryCrm(reject={"a@shop.io": "blocked"})
    sync.run_sync(_rows("a@shop.io"), client, sleep=lambda _: None)
    assert client.calls == ["a@shop.io"]


def test_invalid_rows_are_reported_with_their_line_and_the_rest_syncs(sync):
    rows = _rows("a@shop.io", "not-an-email", "b@shop.io")
    rows.append((5, {"email": "c@shop.io", "first_name": "", "last_name": ""}))
    report = sync.run_sync(rows, InMemoryCrm())
    assert report.created == 2
    assert [f.line for f in report.failed] == [3, 5]
    assert report.failed[1].email == "c@shop.io"
    assert not report.ok


def test_clean_run_prints_the_summary_and_exits_0(sync, tmp_path, capsys):
    export = tmp_path / "customers.csv"
    export.write_text("email,first_name,last_name\na@shop.io,A,B\nb@shop.io,B,C\n", encoding="utf-8")
    client = InMemoryCrm()
    assert sync.main([str(export)], client=client) == 0
    assert "contact sync: 2 created, 0 updated, 0 failed" in capsys.readouterr().out
    assert sorted(client.contacts) == ["a@shop.io", "b@shop.io"]


def test_summary_line(sync):
    report = sync.SyncReport(created=3, updated=1)
    assert report.summary() == "contact sync: 3 created, 1 updated, 0 failed"
