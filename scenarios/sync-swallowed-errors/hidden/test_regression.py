"""Behaviour that worked before the sync job was added."""

import pytest

from contactsync import Contact, InMemoryCrm, InvalidRow, Rejected, parse_row
from contactsync.csvsource import SourceError, read_rows


def test_parse_row_normalises_the_email_and_reads_the_opt_in():
    row = {"email": "  Bob@Shop.IO", "first_name": "Bob", "last_name": "", "marketing_opt_in": "Yes"}
    assert parse_row(row) == Contact("bob@shop.io", "Bob", "", True)


def test_parse_row_refuses_garbage():
    with pytest.raises(InvalidRow):
        parse_row({"email": "bob at shop", "first_name": "Bob", "last_name": "B"})


def test_read_rows_checks_the_header_before_yielding(tmp_path):
    export = tmp_path / "c.csv"
    export.write_text("email,first_name\na@b.io,A\n", encoding="utf-8")
    with pytest.raises(SourceError):
        next(read_rows(export))


def test_in_memory_crm_upserts_and_rejects():
    crm = InMemoryCrm(reject={"x@b.io": "no"})
    assert crm.upsert_contact(Contact("a@b.io", "A", "B")) == "created"
    with pytest.raises(Rejected):
        crm.upsert_contact(Contact("x@b.io", "X", "Y"))
