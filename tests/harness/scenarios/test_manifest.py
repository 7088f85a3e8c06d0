from pathlib import Path

from harness.scenarios.manifest import parse_manifest

GOOD = """\
schema = 1
id = "demo-one"
title = "Demo"
version = "1.0.0"
difficulty = "intro"
time_budget_minutes = 20
editable = ["src/**"]

[[flaws]]
id = "bug-one"
title = "A bug"
category = "correctness"
severity = 2
locations = ["src/a.py:1-2"]
tests = ["hidden/test_a.py"]

[[keeps]]
id = "keep-one"
title = "Good work"
tests = ["hidden/test_b.py"]
"""


def parse(tmp_path: Path, text: str):
    path = tmp_path / "scenario.toml"
    path.write_text(text)
    return parse_manifest(path)


def test_valid_manifest_parses_into_frozen_models(tmp_path):
    manifest, problems = parse(tmp_path, GOOD)
    assert problems == []
    assert manifest.flaws[0].severity == 2
    assert manifest.runtime.timeout_seconds == 120
    assert manifest.item_ids() == ["bug-one", "keep-one"]


def test_every_problem_is_reported_at_once_with_line_and_hint(tmp_path):
    bad = (
        GOOD.replace('version = "1.0.0"', 'version = "1.0"')
        .replace('difficulty = "intro"', 'difficulty = "easy"')
        .replace("severity = 2", "severity = 5")
        .replace('title = "Good work"\n', "")
        + "colour = 1\n"
    )
    manifest, problems = parse(tmp_path, bad)
    assert manifest is None
    by_key = {p.where: p for p in problems}
    assert set(by_key) == {
        "version",
        "difficulty",
        "flaws[0].severity",
        "keeps[0].title",
        "keeps[0].colour",
    }
    assert by_key["version"].line == 4
    assert by_key["flaws[0].severity"].line == 13
    assert "less than or equal to 3" in by_key["flaws[0].severity"].what
    assert "add this key" in by_key["keeps[0].title"].what
    assert "unknown key" in by_key["keeps[0].colour"].what


def test_wrong_types_are_not_coerced(tmp_path):
    _, problems = parse(
        tmp_path, GOOD.replace("time_budget_minutes = 20", 'time_budget_minutes = "20"')
    )
    assert [p.where for p in problems] == ["time_budget_minutes"]
    assert "valid integer" in problems[0].what


def test_broken_toml_names_the_line(tmp_path):
    _, problems = parse(tmp_path, GOOD.replace('title = "Demo"', "title = "))
    assert len(problems) == 1
    assert problems[0].line == 3
    assert "not valid TOML" in problems[0].what


def test_missing_manifest_says_how_to_make_one(tmp_path):
    manifest, problems = parse_manifest(tmp_path / "scenario.toml")
    assert manifest is None
    assert "dsim scenario new" in problems[0].what


def test_unpinned_requirement_is_refused(tmp_path):
    _, problems = parse(
        tmp_path, GOOD.replace("[[flaws]]", '[runtime]\nrequirements = ["packaging"]\n\n[[flaws]]')
    )
    assert problems[0].where == "runtime.requirements"
    assert "pinned" in problems[0].what
