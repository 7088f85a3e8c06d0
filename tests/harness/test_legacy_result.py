"""Results stored by dsim 0.1.0 read with codes: wording chosen by a candidate cannot move a
finding between integrity and notes, nor pass for another finding."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from harness._legacy_result import code_of
from harness.result import Disposition, FindingCode, load_result

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "stores" / "release-0.1.0.db"


def legacy(integrity: list[str], notes: list[str]) -> dict[str, object]:
    return {"status": "graded", "void": False, "items": [], "integrity": integrity,
            "notes": notes, "sections": {}, "regression": {"total": 0, "passed": 0}}  # fmt: skip


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("src/a visible test was edited.py: outside the editable paths (src/**); not applied",
         FindingCode.PROTECTED_PATH),
        ("tests/JUnit says passed but pytest reported {} (forged results).py ran but is missing "
         "from JUnit", FindingCode.MISSING_FROM_JUNIT),
        ("collection error in tests/test_x; not applied.py: its tests did not run",
         FindingCode.COLLECTION_ERROR),
        ("hidden/test_loud.py::test_a: JUnit says passed but pytest reported {'call': 'failed'} "
         "(forged results)", FindingCode.OUTCOME_FORGED),
        ("something 0.1.0 never wrote", FindingCode.LEGACY),
    ],
)  # fmt: skip
def test_hostile_paths_in_integrity_findings_keep_the_right_code(message, code):
    [finding] = load_result(legacy([message], [])).findings
    assert finding.code == code
    assert finding.disposition != Disposition.NOTE


def test_a_note_never_becomes_an_integrity_finding_and_back():
    note = "tests/x.py: a visible test was edited; graded with the version the engineer received"
    result = load_result(legacy(["src/y.py: a visible test was edited; not applied"], [note]))
    codes = [f.code for f in result.findings]
    assert codes == [FindingCode.PROTECTED_PATH, FindingCode.VISIBLE_TEST_EDITED]
    assert code_of("pytest internals were modified: x", note=True) == "legacy-note"
    assert load_result(legacy([], ["anything"])).findings[0].disposition == Disposition.NOTE


def test_every_finding_stored_by_release_0_1_0_gets_a_code_of_its_own():
    with sqlite3.connect(FIXTURE) as conn:
        rows = [json.loads(d) for (d,) in conn.execute("SELECT data FROM results")]
    codes = {f.code for row in rows for f in load_result(row).findings}
    assert codes and FindingCode.LEGACY not in codes and FindingCode.LEGACY_NOTE not in codes
