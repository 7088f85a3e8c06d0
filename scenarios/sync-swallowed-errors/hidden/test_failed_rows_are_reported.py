"""A contact that did not reach the CRM must show up in the report (flaw: row-failures-swallowed)."""

import importlib

import pytest

from contactsync import Contact, InMemoryCrm
from contactsync.crm import CrmError, CrmUnavailable
from contactsync.settings import MAX_ATTEMPTS


@pytest.fixture
def sync():
    return importlib.import_module("contactsync.sync")


def _rows(*emails):
    return [(line, {"email": e, "first_name": "Grace", "last_name": "Hopper"}) for line, e in enumerate(emails, 2)]


def _no_wait(_seconds):
    return None


def test_contact_rejected_by_the_crm_is_a_failed_row(sync):
    client = InMemoryCrm(reject={"b@shop.io": "domain is on the block list"})
    report = sync.run_sync(_rows("a@shop.io", "b@shop.io", "c@shop.io"), client, sleep=_no_wait)
    assert report.created == 2
    assert [(f.line, f.email) for f in report.failed] == [(3, "b@shop.io")]
    assert "block list" in report.failed[0].reason
    assert not report.ok


def test_contact_still_rate_limited_after_the_last_attempt_is_a_failed_row(sync):
    client = InMemoryCrm(rate_limit={"b@shop.io": 1000})
    report = sync.run_sync(_rows("a@shop.io", "b@shop.io"), client, sleep=_no_wait)
    assert [(f.line, f.email) for f in report.failed] == [(3, "b@shop.io")]
    assert client.calls.count("b@shop.io") == MAX_ATTEMPTS
    assert report.created == 1
    assert not report.ok


def test_every_row_is_accounted_for(sync):
    client = InMemoryCrm(reject={"x@shop.io": "invalid mailbox"}, rate_limit={"y@shop.io": 1000})
    client.upsert_contact(Contact("old@shop.io", "Olga", "Ld"))
    rows = _rows("a@shop.io", "x@shop.io", "bad-address", "old@shop.io", "y@shop.io", "b@shop.io")
    report = sync.run_sync(rows, client, sleep=_no_wait)
    assert (report.created, report.updated) == (2, 1)
    assert sorted(f.line for f in report.failed) == [3, 4, 6]


class _DownCrm:
    def upsert_contact(self, contact):
        raise CrmUnavailable("401 Unauthorized: API key expired")


def test_crm_outage_is_not_reported_as_a_clean_run(sync):
    try:
        report = sync.run_sync(_rows("a@shop.io", "b@shop.io"), _DownCrm(), sleep=_no_wait)
    except CrmError:
        return  # raised to the caller: fine
    assert not report.ok
    assert len(report.failed) == 2


def test_cron_exit_status_is_1_when_a_row_is_rejected(sync, tmp_path, capsys):
    export = tmp_path / "customers.csv"
    export.write_text("email,first_name,last_name\na@shop.io,A,B\nb@shop.io,B,C\n", encoding="utf-8")
    client = InMemoryCrm(reject={"b@shop.io": "invalid mailbox"})
    assert sync.main([str(export)], client=client, sleep=_no_wait) == 1
    assert "b@shop.io" in capsys.readouterr().err
