"""When the job cannot run, cron must see a failure (flaw: cron-exit-zero)."""

import importlib

import pytest

from contactsync import InMemoryCrm


@pytest.fixture
def sync():
    return importlib.import_module("contactsync.sync")


def test_missing_export_exits_2_and_says_why(sync, tmp_path, capsys):
    assert sync.main([str(tmp_path / "customers-2026-11-27.csv")], client=InMemoryCrm()) == 2
    assert "customers-2026-11-27.csv" in capsys.readouterr().err


def test_export_without_the_required_columns_exits_2(sync, tmp_path, capsys):
    export = tmp_path / "customers.csv"
    export.write_text("mail,name\na@shop.io,A B\n", encoding="utf-8")
    assert sync.main([str(export)], client=InMemoryCrm()) == 2
    assert "first_name" in capsys.readouterr().err


def test_unreachable_crm_exits_2(sync, tmp_path, monkeypatch, capsys):
    export = tmp_path / "customers.csv"
    export.write_text("email,first_name,last_name\na@shop.io,A,B\n", encoding="utf-8")
    monkeypatch.setattr(importlib.import_module("contactsync.settings"), "CRM_URL", "https://crm.invalid")
    assert sync.main([str(export)]) == 2
    assert "crm.invalid" in capsys.readouterr().err
