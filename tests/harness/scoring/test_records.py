"""Delivery records: idempotent imports, listing, audited deletion, one id per person."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import NotFound
from harness.scoring.posterior import score_all
from harness.scoring.profile import load_profile
from harness.scoring.records import delete_record, import_csv, list_records

HEADER = "engineer,date,source,dimension,outcome,weight,note\n"
ROWS = (
    "ada,2026-03-14,jira PAY-812,catch,fail,,shipped a float rounding bug the AI introduced\n"
    "ada,2026-04-02,github #233,,pass,2,clean review of an AI refactor\n"
    "bo,2026-04-03,github #240,keep,pass,,kept the helper\n"
)


def write(tmp_path: Path, text: str, name: str = "delivery.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_importing_the_same_file_twice_adds_nothing_and_says_so(store, tmp_path):
    path = write(tmp_path, HEADER + ROWS)
    first = import_csv(store, path)
    again = import_csv(store, path)
    assert (first.imported, first.already_present) == (3, 0)
    assert (again.imported, again.already_present) == (0, 3)
    assert len(store.records()) == 3


def test_a_file_with_old_and_new_rows_imports_only_the_new(store, tmp_path):
    import_csv(store, write(tmp_path, HEADER + ROWS))
    more = ROWS + "bo,2026-05-01,jira AUTH-31,safety,fail,1.5,regression in staging\n"
    report = import_csv(store, write(tmp_path, HEADER + more, "later.csv"))
    assert (report.imported, report.already_present) == (1, 3)


def test_rows_with_an_id_column_are_the_same_record_even_when_edited(store, tmp_path):
    header = "id,engineer,date,source,outcome,note\n"
    import_csv(store, write(tmp_path, header + "PAY-812,ada,2026-03-14,jira,fail,first\n"))
    edited = write(tmp_path, header + "PAY-812,ada,2026-03-14,jira,fail,typo fixed\n", "b.csv")
    assert import_csv(store, edited).already_present == 1
    [row] = store.records()
    assert (row.source_id, row.note) == ("PAY-812", "first")


def test_the_same_id_from_two_systems_is_two_records(store, tmp_path):
    header = "id,engineer,date,source,outcome\n"
    rows = "42,ada,2026-03-14,jira,pass\n42,bo,2026-03-15,github,fail\n"
    report = import_csv(store, write(tmp_path, header + rows))
    assert (report.imported, report.already_present) == (2, 0)
    assert sorted(r.engineer for r in store.records()) == ["ada", "bo"]


def test_a_row_repeated_within_one_file_is_stored_once(store, tmp_path):
    line = ROWS.splitlines(keepends=True)[0]
    report = import_csv(store, write(tmp_path, HEADER + line + line))
    assert (report.imported, report.already_present) == (1, 1)


def test_engineer_ids_are_normalised_and_the_typed_name_kept(store, tmp_path):
    import_csv(store, write(tmp_path, HEADER + ROWS))
    report = import_csv(
        store, write(tmp_path, HEADER + ROWS.replace("ada,", " Ada ,", 1), "shouty.csv")
    )
    assert report.already_present == 3  # "Ada " is ada: the same record
    assert {r.engineer for r in list_records(store, candidate="ADA")} == {"ada"}


def test_a_new_engineer_close_to_an_existing_id_is_a_warning(store, tmp_path):
    import_csv(store, write(tmp_path, HEADER + ROWS))
    near = "ada.,2026-06-01,jira X-1,,pass,,new\n"
    report = import_csv(store, write(tmp_path, HEADER + near, "near.csv"))
    assert report.imported == 1
    assert len(report.warnings) == 1 and "'ada'" in report.warnings[0]


def test_deleting_a_record_leaves_an_audited_tombstone_that_scores_ignore(store, tmp_path):
    path = write(tmp_path, HEADER + ROWS)
    import_csv(store, path)
    profile = load_profile()
    before = score_all(store, profile)["bo"].observations
    target = next(r for r in store.records() if r.engineer == "bo")
    gone = delete_record(store, target.id[:6], by="lee", reason="duplicate of PAY-812")
    assert (gone.deleted_by, gone.deleted_reason) == ("lee", "duplicate of PAY-812")
    assert gone.deleted_at is not None
    assert target.id not in {r.id for r in store.records()}
    assert target.id in {r.id for r in store.records(deleted=True)}
    assert "bo" not in score_all(store, profile) and before == 1
    assert import_csv(store, path).imported == 0  # deleted stays deleted
    with pytest.raises(NotFound):
        delete_record(store, target.id, by="lee")


def test_near_duplicates_within_one_file_are_a_warning_too(store, tmp_path):
    rows = "ada,2026-06-01,jira X-1,,pass,,\nAda.,2026-06-02,jira X-2,,pass,,\n"
    report = import_csv(store, write(tmp_path, HEADER + rows))
    assert report.imported == 2
    [warning] = report.warnings
    assert "'ada.'" in warning and "'ada'" in warning


def test_a_large_file_imports_once(store, tmp_path):
    rows = "".join(f"ada,2026-01-01,jira X-{n},,pass,,\n" for n in range(1_500))
    path = write(tmp_path, HEADER + rows)
    assert import_csv(store, path).imported == 1_500
    assert import_csv(store, path).already_present == 1_500
