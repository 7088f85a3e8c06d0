"""``dsim groups`` and ``dsim fairness`` from the command line, and a person's group kept out of
everything that shows one candidate (score, report, export) but their own access export."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from gradedkit import add_graded  # type: ignore[import-not-found]

from harness.cli import cli
from harness.store import Store, memberships

HEADER = "candidate,attribute,group\n"


@pytest.fixture
def home(tmp_path: Path) -> tuple[list[str], Store]:
    """A dsim home whose store holds 30 + 30 graded people (group B fixes fewer flaws) and 3
    more (group C, too few to show)."""
    store = Store(f"sqlite:///{tmp_path / 'dsim.db'}")
    rng = np.random.default_rng(4)
    for prefix, n, fix in (("a", 30, 0.85), ("b", 30, 0.3), ("c", 3, 0.9)):
        for i in range(n):
            flaws = {f"f{j}": bool(rng.random() < fix) for j in range(5)}
            add_graded(store, f"{prefix}{i:02d}", "s1", flaws, {"k1": True})
    return ["--db", f"sqlite:///{tmp_path / 'dsim.db'}", "--home", str(tmp_path)], store


def _csv(tmp_path: Path, text: str, name: str = "groups.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _groups_file(tmp_path: Path) -> Path:
    lines = [f"a{i:02d},Sex,Aurora" for i in range(30)] + [
        f"b{i:02d},Sex,Borealis" for i in range(30)
    ]
    lines += [f"c{i:02d},Sex,Corona" for i in range(3)]
    return _csv(tmp_path, HEADER + "\n".join(lines) + "\n")


def test_import_prints_counts_per_attribute_and_never_a_name(home, tmp_path):
    opts, store = home
    out = CliRunner().invoke(cli, [*opts, "groups", "import", str(_groups_file(tmp_path))])
    assert out.exit_code == 0, out.output
    assert out.output.strip() == "sex: 63 new, 0 changed, 0 unchanged"
    again = CliRunner().invoke(cli, [*opts, "groups", "import", str(_groups_file(tmp_path))])
    assert again.output.strip() == "sex: 0 new, 0 changed, 63 unchanged"
    assert len(memberships(store, attribute="sex")) == 63


def test_every_bad_line_is_listed_and_nothing_is_imported(home, tmp_path):
    opts, store = home
    text = HEADER + (
        "a00,sex,Aurora\n"  # line 2: fine
        ",sex,Aurora\n"  # line 3: no candidate
        "a01,,Aurora\n"  # line 4: no attribute
        "a02,sex,\n"  # line 5: no group
        "a00,sex,Borealis\n"  # line 6: a second group for line 2's person
        "a03,sex,aurora\n"  # line 7: line 2's group spelt differently
        "a04,sex,Aurora,extra\n"  # line 8: too many fields
    )
    out = CliRunner().invoke(cli, [*opts, "groups", "import", str(_csv(tmp_path, text))])
    assert out.exit_code != 0
    for line in (3, 4, 5, 6, 7, 8):
        assert f"line {line}:" in out.output
    assert "line 2:" not in out.output and "6 problem(s); nothing was imported" in out.output
    assert memberships(store) == []


def test_a_bad_header_is_refused(home, tmp_path):
    opts, store = home
    path = _csv(tmp_path, "candidate,attribute,value\na00,sex,Aurora\n")
    out = CliRunner().invoke(cli, [*opts, "groups", "import", str(path)])
    assert out.exit_code != 0 and "group" in out.output and memberships(store) == []


def test_summary_counts_groups_and_suppresses_small_ones(home, tmp_path):
    opts, _ = home
    CliRunner().invoke(cli, [*opts, "groups", "import", str(_groups_file(tmp_path))])
    text = CliRunner().invoke(cli, [*opts, "groups", "summary"]).output
    assert "Aurora: 30" in text and "Corona: fewer than 5" in text
    data = json.loads(CliRunner().invoke(cli, [*opts, "groups", "summary", "--json"]).output)
    [sex] = data["attributes"]
    assert {"group": "Corona", "n": None, "suppressed": True} in sex["groups"]


def test_fairness_flags_the_gap_and_shows_no_number_for_a_small_group(home, tmp_path):
    opts, _ = home
    CliRunner().invoke(cli, [*opts, "groups", "import", str(_groups_file(tmp_path))])
    out = CliRunner().invoke(cli, [*opts, "fairness", "--cut", "50"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "selected: score at or above the cut 50"
    # The one hidden group is counted with the unknowns, so its size cannot be subtracted out.
    assert "sex: 3 did not report it or are in the group too small to show" in out.output
    [borealis] = [line for line in lines if line.startswith("Borealis ")]
    assert "FLAGGED: under 0.8" in borealis
    assert any(line.startswith("Borealis: impact ratio") for line in lines)
    [corona] = [line for line in lines if line.startswith("Corona ")]
    assert corona.split() == ["Corona", "<5", "–", "–", "–", "suppressed"]
    data = json.loads(CliRunner().invoke(cli, [*opts, "fairness", "--cut", "50", "--json"]).output)
    [group_c] = [g for g in data["attributes"][0]["groups"] if g["group"] == "Corona"]
    assert [group_c[k] for k in ("n", "selected", "rate", "ratio", "interval")] == [None] * 5


def test_fairness_uses_the_median_rule_without_a_cut_and_counts_unknowns(home, tmp_path):
    opts, _ = home
    lines = [f"a{i:02d},sex,Aurora" for i in range(25)] + [
        f"b{i:02d},sex,Borealis" for i in range(30)
    ]
    CliRunner().invoke(
        cli, [*opts, "groups", "import", str(_csv(tmp_path, HEADER + "\n".join(lines)))]
    )
    out = CliRunner().invoke(cli, [*opts, "fairness", "--attribute", "Sex"])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("scoring rate: share scoring above the cohort median (")
    assert "sex: 8 unknown" in out.output  # 5 of group a and the 3 of c reported nothing


def test_fairness_rejects_a_cut_outside_0_to_100(home):
    opts, _ = home
    out = CliRunner().invoke(cli, [*opts, "fairness", "--cut", "101"])
    assert out.exit_code == 2 and "101" in out.output


def test_a_persons_group_is_in_their_access_export_only(home, tmp_path):
    opts, _ = home
    path = _csv(tmp_path, HEADER + "a00,sex,Zeta-group-7\n")
    CliRunner().invoke(cli, [*opts, "groups", "import", str(path)])
    runner = CliRunner()
    score = runner.invoke(cli, [*opts, "score", "a00", "--json"])
    exported = runner.invoke(cli, [*opts, "export", "--format", "json"])
    mine = runner.invoke(cli, [*opts, "export", "--format", "json", "--candidate", "a00"])
    report = runner.invoke(cli, [*opts, "report", "a00", "-o", str(tmp_path / "a00.html")])
    for out in (score, exported, mine, report):
        assert out.exit_code == 0, out.output
        assert "Zeta-group-7" not in out.output
    assert "Zeta-group-7" not in (tmp_path / "a00.html").read_text(encoding="utf-8")
    access = runner.invoke(cli, [*opts, "export", "--candidate", "a00", "--access"])
    assert json.loads(access.output)["group_memberships"][0]["group"] == "Zeta-group-7"


def test_dsim_erase_removes_the_persons_groups(home, tmp_path):
    opts, store = home
    CliRunner().invoke(cli, [*opts, "groups", "import", str(_groups_file(tmp_path))])
    out = CliRunner().invoke(cli, [*opts, "erase", "a00", "--yes"])
    assert out.exit_code == 0 and "1 group memberships" in out.output
    assert "a00" not in {m.candidate for m in memberships(store)}


def test_groups_erase_by_attribute_and_candidate(home, tmp_path):
    opts, store = home
    extra = HEADER + "a00,team,Red\na01,team,Blue\n"
    CliRunner().invoke(cli, [*opts, "groups", "import", str(_groups_file(tmp_path))])
    CliRunner().invoke(cli, [*opts, "groups", "import", str(_csv(tmp_path, extra, "t.csv"))])
    one = CliRunner().invoke(cli, [*opts, "groups", "erase", "--candidate", "A00", "--yes"])
    assert one.output.strip() == "removed 2 group memberships"
    refused = CliRunner().invoke(
        cli, [*opts, "groups", "erase", "--attribute", "team"], input="n\n"
    )
    assert refused.exit_code != 0 and len(memberships(store, attribute="team")) == 1
    done = CliRunner().invoke(
        cli, [*opts, "groups", "erase", "--attribute", "Sex", "--yes", "--json"]
    )
    assert json.loads(done.output) == {"removed": 62}
    assert [m.attribute for m in memberships(store)] == ["team"]


def test_group_imports_and_erasures_are_audited_with_counts_and_no_names(home, tmp_path):
    from harness.store import AuditEntry

    opts, store = home
    CliRunner().invoke(cli, [*opts, "groups", "import", str(_groups_file(tmp_path)), "--by", "amy"])
    CliRunner().invoke(cli, [*opts, "groups", "erase", "--candidate", "a00", "--yes"])
    with store.session() as s:
        entries = [(e.actor, e.action, e.subject, e.detail) for e in s.query(AuditEntry)]
    assert entries == [
        ("amy", "groups_import", "", {"attributes": {"sex": 63}}),
        ("cli", "groups_erase", "", {"removed": 1, "attribute": "", "one_person": True}),
    ]
    text = json.dumps([e[3] for e in entries])
    assert "a00" not in text and "Aurora" not in text


def test_an_id_the_store_does_not_know_is_refused_by_line_unless_allowed(home, tmp_path):
    """A misspelt id would leave a group row that erasing the real person never reaches."""
    opts, store = home
    typo = _csv(tmp_path, HEADER + "a00,sex,Aurora\naO1,sex,Aurora\n", "typo.csv")
    refused = CliRunner().invoke(cli, [*opts, "groups", "import", str(typo)])
    assert refused.exit_code != 0
    assert "line 3: the store knows no candidate with this id" in refused.output
    assert "aO1" not in refused.output and "ao1" not in refused.output  # never a name
    assert memberships(store) == []  # all or nothing
    allowed = CliRunner().invoke(cli, [*opts, "groups", "import", str(typo), "--allow-unknown"])
    assert allowed.exit_code == 0, allowed.output
    assert "1 person in the file the store holds nothing else about" in allowed.output
    assert len(memberships(store)) == 2
