"""Matching rules of the review grader: REVIEW.md findings against the demo's seeded flaw."""

from __future__ import annotations

from fakes import FakeBackend, context

from graders.review import grade_review, named_flaws
from harness.grading.context import Location, Review, ReviewFinding, parse_review
from harness.workspace.review_notes import TEMPLATE


def review(demo, text: str) -> Review:
    backend = FakeBackend()  # no script: reviewing must not run anything
    out = grade_review(context(demo, backend, review=text))
    assert out.items == () and out.findings == ()
    assert isinstance(out.section, Review)
    return out.section


def test_finding_on_the_flaw_lines_counts_for_recall_and_precision(demo):
    out = review(demo, "- src/greeter/loud.py:5 [correctness] name not stripped\n")
    assert out.named == {"untrimmed-name": True}
    assert (out.recall, out.precision) == (1.0, 1.0)
    assert (out.findings, out.matched) == (1, 1)


def test_same_file_and_category_matches_without_lines(demo):
    out = review(demo, "- src/greeter/loud.py:1 [correctness] input not cleaned\n")
    assert out.named["untrimmed-name"] is True


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
        ("a", "reliability", [Location(path="c.py", start=10, end=12)]),
        ("b", "reliability", [Location(path="c.py", start=30, end=35)]),
    ]
    vague = ReviewFinding(path="c.py", start=1, end=1, category="reliability", text="retries")
    precise = ReviewFinding(path="c.py", start=31, end=31, category="reliability", text="x")
    assert named_flaws(vague, flaws) == set()
    assert named_flaws(precise, flaws) == {"b"}
    assert named_flaws(vague, flaws[:1]) == {"a"}
