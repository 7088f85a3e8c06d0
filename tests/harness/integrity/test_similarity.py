"""Similarity flags copied work and leaves independent work alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from similarity_cohort import COPY_OF_CAREFUL, HONEST, REVIEWS

from harness.cli import cli
from harness.integrity import Settings, compare, similarity
from harness.integrity.similarity import (
    Entry,
    _fingerprint,
    boilerplate,
    own_code,
    placeholders,
    prose,
)
from harness.scenarios import patches
from harness.scenarios.scaffold import scaffold
from harness.scenarios.scenario import Scenario, load
from harness.scenarios.variants import draw
from harness.store import Store, Submission


@pytest.fixture
def greet(tmp_path: Path) -> Scenario:
    return load(scaffold("greet-demo", tmp_path / "greet-demo"))


def diff_adding(code: str) -> str:
    return patches.make({}, {"src/greeter/duration.py": code.encode()})


def entry(scenario: Scenario, name: str, code: str, review: str = "", seed: int = 1) -> Entry:
    return Entry(
        submission_id=f"s-{name}",
        candidate=name,
        diff=diff_adding(code),
        review=review,
        values=draw(scenario, seed).values,
    )


def honest(scenario: Scenario) -> list[Entry]:
    return [
        entry(scenario, name, code, REVIEWS[name], seed=i)
        for i, (name, code) in enumerate(HONEST.items())
    ]


def test_an_honest_cohort_of_independent_fixes_raises_no_flag(greet: Scenario) -> None:
    result = compare(greet, honest(greet))
    assert result.compared == len(HONEST)
    assert result.pairs == ()


def test_a_copy_with_renamed_variables_and_reordered_functions_is_flagged(
    greet: Scenario,
) -> None:
    copy = entry(greet, "copycat", COPY_OF_CAREFUL, seed=7)
    result = compare(greet, [*honest(greet), copy])
    assert [(p.a, p.b) for p in result.pairs] == [("careful", "copycat")]
    (match,) = result.pairs[0].matches
    assert match.kind == "code"
    assert match.share_a > 0.9 and match.share_b > 0.9
    # The fragments are the candidates' own text, side by side.
    assert any("partition" in f for f in match.fragments_a)
    assert any("partition" in f for f in match.fragments_b)
    assert any("todo" in f for f in match.fragments_b)


def test_a_copied_review_is_flagged_even_when_the_code_differs(greet: Scenario) -> None:
    copied = REVIEWS["careful"].upper().replace("\n- ", "\n  -  ")
    copy = entry(greet, "echo", HONEST["emil"].replace("text", "spec"), copied, seed=3)
    result = compare(greet, [*honest(greet)[:3], copy])
    kinds = {(p.a, p.b): [m.kind for m in p.matches] for p in result.pairs}
    assert kinds == {("careful", "echo"): ["review"]}


def test_variant_values_do_not_hide_a_copy(greet: Scenario) -> None:
    # Two people with different greetings: the copy carries its own variant's value.
    a, b = draw(greet, 0).values, draw(greet, 1).values
    seed_b = 1
    while b["greeting"] == a["greeting"]:
        seed_b += 1
        b = draw(greet, seed_b).values
    code = HONEST["brook"].replace('"0s"', "GREETING").replace("bad duration", "{}")
    mine = code.replace("GREETING", repr(str(a["greeting"]) + ", world"))
    theirs = code.replace("GREETING", repr(str(b["greeting"]) + ", world"))
    assert mine != theirs
    assert placeholders(mine, a) == placeholders(theirs, b)


def test_placeholders_replace_whole_values_only() -> None:
    assert (
        placeholders(
            "rate = 0.25; x = 0.255; cur = 'EUR' + 'EURO'", {"base": 0.25, "currency": "EUR"}
        )
        == "rate = {{base}}; x = 0.255; cur = '{{currency}}' + 'EURO'"
    )


def test_only_added_lines_are_the_candidates_own() -> None:
    diff = patches.make({"a.py": b"keep = 1\ngone = 2\n"}, {"a.py": b"keep = 1\nmine = 3\n"})
    assert own_code(diff) == "mine = 3\n"


def test_the_ai_change_and_the_base_are_boilerplate(greet: Scenario) -> None:
    # Everyone pastes the AI's loud.py into a new module: shared, but not theirs.
    ai = "def shout(name):\n    return greet(name).upper() + '!'\n" * 3
    entries = [
        entry(greet, n, ai + "\n" + code, seed=i) for i, (n, code) in enumerate(HONEST.items())
    ]
    assert compare(greet, entries).pairs == ()


def test_two_line_fixes_are_too_small_to_compare(greet: Scenario) -> None:
    tiny = [entry(greet, n, "x = name.strip()\n") for n in ("ada", "brook")]
    result = compare(greet, tiny)
    assert result.too_small == ("ada", "brook") and result.pairs == ()


def _store_with_cohort(tmp_path: Path, scenario: Scenario) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'dsim.db'}")
    codes = {**HONEST, "copycat": COPY_OF_CAREFUL}
    for i, (name, code) in enumerate(codes.items()):
        store.add(
            Submission(
                candidate=name,
                scenario_id=scenario.id,
                scenario_version=scenario.version,
                scenario_ref=str(scenario.path),
                seed=i,
                diff=diff_adding(code),
                review=REVIEWS.get(name, ""),
                content_hash=name,
                source="patch",
            )
        )
    return store


def test_dsim_similarity_lists_the_copied_pair_as_json_and_text(
    tmp_path: Path, greet: Scenario
) -> None:
    _store_with_cohort(tmp_path, greet)
    db = ["--db", f"sqlite:///{tmp_path / 'dsim.db'}"]
    out = CliRunner().invoke(cli, [*db, "similarity", "--scenario", greet.id, "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    (scenario,) = data["scenarios"]
    assert [(p["a"], p["b"]) for p in scenario["pairs"]] == [("careful", "copycat")]
    text = CliRunner().invoke(cli, [*db, "similarity"])
    assert "careful ~ copycat" in text.output and " | " in text.output


def test_an_unknown_scenario_is_a_clear_error(tmp_path: Path, greet: Scenario) -> None:
    store = _store_with_cohort(tmp_path, greet)
    with pytest.raises(Exception, match="no submissions to scenario 'nope'"):
        similarity(store, scenario="nope")
    out = CliRunner().invoke(cli, ["--db", store.url, "similarity", "--scenario", "nope"])
    assert out.exit_code != 0 and "dsim results" in out.output


@pytest.mark.parametrize("threshold", [0.05, 0.3, 0.6])
def test_the_inverted_index_drops_no_pair_a_full_comparison_would_flag(
    greet: Scenario, threshold: float
) -> None:
    from itertools import combinations

    from harness.integrity.similarity import _match
    from harness.integrity.similarity import compare as run

    half = "\n\n".join(COPY_OF_CAREFUL.split("\n\n\n")[:2]) + "\n\n" + HONEST["dana"]
    entries = [
        *honest(greet),
        entry(greet, "copycat", COPY_OF_CAREFUL, seed=7),
        entry(greet, "half", half, seed=8),
    ]
    settings = Settings(threshold=threshold)
    found = {(p.a, p.b) for p in run(greet, entries, settings).pairs}
    # Brute force: every pair's code compared in full, no index.
    shared = boilerplate(greet, entries[0].values, settings)
    prints = [
        _fingerprint(
            placeholders(own_code(e.diff), e.values), settings, code=True, boilerplate=shared.code
        )
        for e in entries
    ]
    expected = set()
    for i, j in combinations(range(len(entries)), 2):
        match = _match("code", prints[i], prints[j])
        if match is not None and match.score >= threshold:
            expected.add((entries[i].candidate, entries[j].candidate))
    assert ("careful", "copycat") in expected
    assert (("careful", "half") in expected) == (threshold <= 0.3)  # half of it is copied
    assert found >= expected


def test_review_prose_ignores_layout_case_and_the_finding_location_prefix() -> None:
    one = "## Findings\n- src/a.py:4-6 [correctness] Names keep their SPACES.\n"
    two = "## findings\n*   src/b.py:9 [security]   names keep their spaces\n"
    assert prose(one) == prose(two) == "findings names keep their spaces"


def test_two_people_submitting_the_expected_fix_of_a_builtin_scenario_are_not_flagged() -> None:
    from harness.scenarios import materialize
    from harness.scenarios.scenario import resolve

    scenario = resolve("invoice-rounding")
    entries = []
    for name, seed in (("ada", 0), ("bo", 1), ("cy", 2)):
        values = draw(scenario, seed).values
        entries.append(
            Entry(
                submission_id=name,
                candidate=name,
                diff=materialize.reference_patch(scenario, values),
                review="",
                values=values,
            )
        )
    result = compare(scenario, entries)
    assert result.pairs == () and set(result.too_small) == {"ada", "bo", "cy"}


def test_a_scenario_not_installed_here_is_reported_not_compared(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'dsim.db'}")
    for name in ("ada", "bo"):
        store.add(
            Submission(
                candidate=name,
                scenario_id="private-pack-scenario",
                scenario_version="1.0.0",
                scenario_ref=str(tmp_path / "gone"),
                seed=1,
                diff="",
                review="",
                content_hash=name,
                source="patch",
            )
        )
    done, missing = similarity(store)
    assert done == [] and [m.scenario_id for m in missing] == ["private-pack-scenario"]
    out = CliRunner().invoke(cli, ["--db", store.url, "similarity"])
    assert out.exit_code == 0 and "private-pack-scenario: not compared" in out.output
