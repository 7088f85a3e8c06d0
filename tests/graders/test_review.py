from types import SimpleNamespace

from graders.review import grade_review
from harness.workspace import review_notes as review


def ctx(demo, text):
    return SimpleNamespace(review_text=text, scenario=demo)


def test_finding_on_the_flaw_lines_counts_for_recall_and_precision(demo):
    out = grade_review(ctx(demo, "- src/greeter/loud.py:5 [correctness] name not stripped\n"))
    assert out["named"] == {"untrimmed-name": True}
    assert (out["recall"], out["precision"]) == (1.0, 1.0)


def test_same_file_and_category_matches_without_lines(demo):
    out = grade_review(ctx(demo, "- src/greeter/loud.py:1 [correctness] input not cleaned\n"))
    assert out["named"]["untrimmed-name"] is True


def test_unrelated_finding_lowers_precision_and_keep_code_is_a_false_alarm(demo):
    text = ("- src/greeter/loud.py:4-6 [correctness] not stripped\n"
            "- src/greeter/__init__.py:3 [security] greeting is unsafe\n")
    out = grade_review(ctx(demo, text))
    assert out["precision"] == 0.5
    assert out["false_alarms"] == []
    alarm = grade_review(ctx(demo, "- src/greeter/loud.py:2 [performance] slow import\n"))
    assert alarm["named"]["untrimmed-name"] is False
    assert alarm["false_alarms"] and "shout" in alarm["false_alarms"][0]


def test_empty_review_names_nothing(demo):
    out = grade_review(ctx(demo, review.TEMPLATE))
    assert out["findings"] == 0 and out["recall"] == 0.0


def test_malformed_findings_are_reported_back():
    findings, notes = review.parse("- src/a.py:3 [wrongcat] x\n- src/a.py: missing lines\n")
    assert findings == []
    assert "unknown category [wrongcat]" in notes[0]
    assert "does not follow" in notes[1]


def test_a_vague_finding_cannot_claim_several_flaws_sharing_file_and_category():
    from graders.review import named_flaws
    from harness.workspace.review_notes import Finding, Location

    flaws = [("a", "reliability", [Location(path="c.py", start=10, end=12)]),
             ("b", "reliability", [Location(path="c.py", start=30, end=35)])]
    vague = Finding(path="c.py", start=1, end=1, category="reliability", text="retries")
    precise = Finding(path="c.py", start=31, end=31, category="reliability", text="x")
    assert named_flaws(vague, flaws) == set()
    assert named_flaws(precise, flaws) == {"b"}
    assert named_flaws(vague, flaws[:1]) == {"a"}
