"""Matching rules of the review grader: REVIEW.md findings against the seeded flaws, on the demo
scenario and on the built-in library (where the flaws sit close together, as in real code)."""

from __future__ import annotations

import pytest
from fakes import FakeBackend, context

from graders.review import WIDTH_FACTOR, WIDTH_SLACK, FlawTarget, grade_review, match_findings
from harness.grading.context import Location, Review, ReviewFinding, parse_location, parse_review
from harness.scenarios.scenario import Scenario, library
from harness.workspace.review_notes import TEMPLATE

EXPORT = "src/invoicing/export.py"
"""invoice-rounding: float-money (correctness) at 23-51 and 66-68, csv-injection (security) at
61-70, the kept csv-export at 1-22 and 75-84."""
STORAGE = "src/uploads/storage.py"
"""upload-paths: path-traversal (security) at 109-114, kept nested-folders at 100-107."""


def review(scenario: Scenario, text: str) -> Review:
    backend = FakeBackend()  # no script: reviewing must not run anything
    out = grade_review(context(scenario, backend, review=text))
    assert out.items == () and out.findings == ()
    assert isinstance(out.section, Review)
    return out.section


def explain(section: Review) -> float:
    """The score's explain dimension (docs/scoring.md)."""
    return (section.recall + section.precision) / 2


@pytest.fixture(scope="module")
def builtin() -> dict[str, Scenario]:
    return {s.id: s for s in library()}


def reference_review(scenario: Scenario) -> str:
    return (scenario.path / scenario.manifest.reference.review).read_text()


def flawed_files(scenario: Scenario) -> dict[str, str]:
    """Each file holding a flaw → the category of the first flaw there."""
    files: dict[str, str] = {}
    for flaw in scenario.manifest.flaws:
        for text in flaw.locations:
            files.setdefault(parse_location(text).path, flaw.category.value)
    return files


def test_the_builtin_locations_these_tests_rely_on_are_unchanged(builtin):
    def where(scenario: Scenario) -> dict[str, tuple[str, ...]]:
        m = scenario.manifest
        return {item.id: tuple(item.locations) for item in (*m.flaws, *m.keeps)}

    invoice = where(builtin["invoice-rounding"])
    assert invoice["float-money"] == (f"{EXPORT}:23-51", f"{EXPORT}:66-68")
    assert invoice["csv-injection"] == (f"{EXPORT}:61-70",)
    assert invoice["csv-export"][:2] == (f"{EXPORT}:1-22", f"{EXPORT}:75-84")
    uploads = where(builtin["upload-paths"])
    assert uploads["path-traversal"] == (f"{STORAGE}:109-114", "tests/test_storage.py:46-49")
    assert uploads["nested-folders"] == (f"{STORAGE}:100-107",)


# What held before and still holds.


def test_finding_on_the_flaw_lines_counts_for_recall_and_precision(demo):
    out = review(demo, "- src/greeter/loud.py:5 [correctness] name not stripped\n")
    assert out.named == {"untrimmed-name": True}
    assert (out.recall, out.precision) == (1.0, 1.0)
    assert (out.findings, out.matched) == (1, 1)


def test_reference_review_of_every_builtin_scenario_names_every_flaw_precisely(builtin):
    for scenario in builtin.values():
        out = review(scenario, reference_review(scenario))
        assert (out.recall, out.precision, out.false_alarms) == (1.0, 1.0, ()), scenario.id


def test_same_file_and_category_matches_without_lines(demo):
    out = review(demo, "- src/greeter/loud.py:1 [correctness] input not cleaned\n")
    assert out.named["untrimmed-name"] is True
    assert (out.precision, out.false_alarms) == (1.0, ())


def test_same_file_in_another_category_away_from_the_lines_names_nothing(demo):
    out = review(demo, "- src/greeter/loud.py:1 [security] input not cleaned\n")
    assert out.named["untrimmed-name"] is False
    assert out.precision == 0.0


def test_unrelated_finding_lowers_precision_and_keep_code_is_a_false_alarm(demo):
    text = (
        "- src/greeter/loud.py:4-6 [correctness] not stripped\n"
        "- src/greeter/__init__.py:3 [security] greeting is unsafe\n"
    )
    out = review(demo, text)
    assert out.precision == 0.5
    assert out.false_alarms == ()
    alarm = review(demo, "- src/greeter/loud.py:2 [performance] slow import\n")
    assert alarm.named["untrimmed-name"] is False
    assert alarm.false_alarms and "shout" in alarm.false_alarms[0]


def test_empty_review_names_nothing(demo):
    out = review(demo, TEMPLATE)
    assert out.findings == 0 and out.recall == 0.0
    assert out.precision == 0.0 and out.named == {"untrimmed-name": False}


def test_malformed_findings_are_reported_back(demo):
    text = "- src/a.py:3 [wrongcat] x\n- src/a.py: missing lines\n"
    findings, notes = parse_review(text)
    assert findings == []
    assert "unknown category [wrongcat]" in notes[0]
    assert "does not follow" in notes[1]
    assert review(demo, text).notes == tuple(notes)


def test_a_vague_finding_cannot_claim_several_flaws_sharing_file_and_category():
    flaws = [
        FlawTarget(
            id="a", category="reliability", locations=(Location(path="c.py", start=10, end=12),)
        ),
        FlawTarget(
            id="b", category="reliability", locations=(Location(path="c.py", start=30, end=35),)
        ),
    ]
    vague = ReviewFinding(path="c.py", start=1, end=1, category="reliability", text="retries")
    precise = ReviewFinding(path="c.py", start=31, end=31, category="reliability", text="x")
    assert match_findings([vague], flaws) == [None]
    assert match_findings([precise], flaws) == ["b"]
    assert match_findings([vague], flaws[:1]) == ["a"]


# A finding credits at most one flaw: the best match.


def test_one_finding_overlapping_two_flaws_credits_one(builtin):
    out = review(builtin["invoice-rounding"], f"- {EXPORT}:1-84 [correctness] bad\n")
    assert out.named == {"float-money": True, "csv-injection": False}
    assert (out.recall, out.matched) == (0.5, 1)


def test_overlapping_several_flaws_credits_the_one_holding_most_of_the_finding(builtin):
    # 61-70 is all csv-injection; only 66-68 of it is float-money.
    out = review(builtin["invoice-rounding"], f"- {EXPORT}:61-70 [correctness] bad\n")
    assert out.named == {"float-money": False, "csv-injection": True}


def test_ties_between_overlapped_flaws_go_to_the_findings_category_then_to_flaw_order(builtin):
    scenario = builtin["invoice-rounding"]
    # 66-68 lies wholly inside both flaws.
    for category, credited in (
        ("correctness", "float-money"),
        ("security", "csv-injection"),
        ("performance", "float-money"),  # neither category: the flaw listed first
    ):
        out = review(scenario, f"- {EXPORT}:66-68 [{category}] x\n")
        assert [f for f, named in out.named.items() if named] == [credited], category


# A finding far wider than a flaw does not match it by overlap.


def test_a_finding_far_wider_than_the_flaw_does_not_match_it():
    flaw = FlawTarget(
        id="f", category="security", locations=(Location(path="a.py", start=50, end=52),)
    )
    widest = WIDTH_FACTOR * 3 + WIDTH_SLACK
    fits = ReviewFinding(path="a.py", start=52 - widest + 1, end=52, category="security", text="")
    wider = ReviewFinding(path="a.py", start=52 - widest, end=52, category="security", text="")
    assert match_findings([fits], [flaw]) == ["f"]
    # Too wide, and it overlaps the flaw, so the same-category fallback does not apply either.
    assert match_findings([wider], [flaw]) == [None]


def test_the_width_limit_counts_the_flaws_lines_in_the_findings_file(builtin):
    # path-traversal: 6 lines in storage.py (and 4 in a test file, which do not count here).
    scenario = builtin["upload-paths"]
    widest = WIDTH_FACTOR * 6 + WIDTH_SLACK
    fits = review(scenario, f"- {STORAGE}:{114 - widest + 1}-114 [security] traversal\n")
    wider = review(scenario, f"- {STORAGE}:{114 - widest}-114 [security] traversal\n")
    assert fits.named["path-traversal"] is True
    assert wider.named["path-traversal"] is False and wider.precision == 0.0


def test_a_whole_file_finding_scores_below_precise_findings(builtin):
    scenario = builtin["invoice-rounding"]
    precise = review(scenario, reference_review(scenario))
    for category in ("correctness", "security"):
        vague = review(scenario, f"- {EXPORT}:1-84 [{category}] bad\n")
        assert vague.recall < 1.0
        assert explain(vague) < explain(precise)


def test_one_whole_file_line_per_flawed_file_scores_below_a_precise_review_everywhere(builtin):
    for scenario in builtin.values():
        text = "".join(f"- {p}:1-400 [{c}] bad\n" for p, c in flawed_files(scenario).items())
        vague = review(scenario, text)
        precise = review(scenario, reference_review(scenario))
        assert vague.recall + vague.precision < 2.0, scenario.id
        assert explain(vague) < explain(precise), scenario.id


# Flooding the review does not pay.


def one_precise_finding(scenario: Scenario) -> str:
    flaw = scenario.manifest.flaws[0]
    return f"- {flaw.locations[0]} [{flaw.category.value}] what is wrong\n"


def test_listing_every_line_of_the_flawed_files_scores_below_one_precise_finding(builtin):
    for scenario in builtin.values():
        start = context(scenario, FakeBackend()).start
        every_line = "".join(
            f"- {path}:{n} [{category}] x\n"
            for path, category in flawed_files(scenario).items()
            for n in range(1, len(start[path].decode().splitlines()) + 1)
        )
        one = review(scenario, one_precise_finding(scenario))
        assert explain(review(scenario, every_line)) < explain(one), scenario.id
        both = review(scenario, one_precise_finding(scenario) + every_line)
        assert explain(both) < explain(one), scenario.id


def grid(scenario: Scenario, size: int) -> str:
    """Findings in chunks of ``size`` lines over every flawed file."""
    start = context(scenario, FakeBackend()).start
    return "".join(
        f"- {path}:{n}-{n + size - 1} [{category}] x\n"
        for path, category in flawed_files(scenario).items()
        for n in range(1, len(start[path].decode().splitlines()) + 1, size)
    )


@pytest.mark.parametrize("size", [3, 5])
def test_a_fine_grid_over_the_flawed_files_scores_below_one_precise_finding(builtin, size):
    # Covering the flawed files in chunks names every flaw, but each flaw counts once and every
    # chunk that names none lowers precision.
    for scenario in builtin.values():
        one = review(scenario, one_precise_finding(scenario))
        assert explain(review(scenario, grid(scenario, size))) < explain(one), scenario.id


@pytest.mark.parametrize("size", [10, 20])
def test_a_coarse_grid_scores_below_a_precise_review(builtin, size):
    # Coarse chunks over a densely flawed file (rate-limiter: three flaws in 90 lines) can still
    # beat a review that names one flaw of three; they never reach a precise review of them all.
    for scenario in builtin.values():
        precise = review(scenario, reference_review(scenario))
        assert explain(review(scenario, grid(scenario, size))) < explain(precise), scenario.id


def test_several_findings_on_one_flaw_neither_raise_nor_lower_precision(builtin):
    scenario = builtin["invoice-rounding"]
    flaw = scenario.manifest.flaws[0]
    line = f"- {flaw.locations[0]} [{flaw.category.value}] one aspect\n"
    once, thrice = review(scenario, line), review(scenario, line * 3)
    assert (once.precision, once.recall) == (thrice.precision, thrice.recall) == (1.0, 0.5)


def test_thirty_junk_lines_do_not_raise_explain_above_one_precise_finding(builtin):
    for scenario in builtin.values():
        flaw = scenario.manifest.flaws[0]
        path = parse_location(flaw.locations[0]).path
        junk = "".join(f"- {path}:{n} [{flaw.category.value}] bad\n" for n in range(1000, 1030))
        one = review(scenario, one_precise_finding(scenario))
        assert explain(review(scenario, junk)) < explain(one), scenario.id
        assert explain(review(scenario, one_precise_finding(scenario) + junk)) < explain(one)


def test_same_category_fallback_credits_one_finding_per_flaw(builtin):
    scenario = builtin["invoice-rounding"]
    vague = "".join(f"- {EXPORT}:{n} [correctness] bad\n" for n in (200, 210, 220))
    out = review(scenario, vague)
    assert out.named["float-money"] is True
    assert (out.matched, out.precision) == (1, 1 / 3)


def test_fallback_credits_no_finding_once_a_flaw_is_named_by_its_lines(builtin):
    scenario = builtin["invoice-rounding"]
    text = f"- {EXPORT}:200 [correctness] floats\n- {EXPORT}:37-39 [correctness] floats\n"
    out = review(scenario, text)
    assert out.named["float-money"] is True
    assert (out.matched, out.precision) == (1, 0.5)


# Kept code.


def test_a_finding_on_kept_code_is_a_false_alarm_even_when_it_touches_a_flaw(builtin):
    # 90-114 covers the kept nested-folders (100-107) and is too wide for path-traversal.
    out = review(builtin["upload-paths"], f"- {STORAGE}:90-114 [security] unsafe paths\n")
    assert out.named["path-traversal"] is False
    assert len(out.false_alarms) == 1 and "nested-folders" in out.false_alarms[0]


def test_a_finding_that_credits_a_flaw_is_not_a_false_alarm_though_it_touches_kept_code(builtin):
    out = review(builtin["upload-paths"], f"- {STORAGE}:100-114 [security] unsafe paths\n")
    assert out.named["path-traversal"] is True
    assert out.false_alarms == ()
