"""``dsim submit``: what a workspace hands in, what it leaves out, and what REVIEW.md says."""

from __future__ import annotations

import pytest

from harness.workspace.review_notes import TEMPLATE, check_review, parse_review

LOUD = "src/greeter/loud.py"


# --- REVIEW.md is checked at submit --------------------------------------------------------------

SLIPS = (
    "- src/greeter/loud.py line 37 [correctness] not stripped\n"
    "- src/greeter/loud.py:4-6 [bug] shouts with spaces\n"
    "- src/greeter/loud.py:5 [Correctness] name is not cleaned\n"
)


def test_small_slips_in_findings_are_problems_that_say_how_to_fix_them():
    check = check_review(SLIPS)
    assert [(f.path, f.start, f.end, f.category) for f in check.findings] == [
        (LOUD, 5, 5, "correctness")
    ]
    assert [(p.line, p.text) for p in check.problems] == [
        (1, "- src/greeter/loud.py line 37 [correctness] not stripped"),
        (2, "- src/greeter/loud.py:4-6 [bug] shouts with spaces"),
    ]
    assert "src/greeter/loud.py:37" in check.problems[0].why
    assert "unknown category [bug]" in check.problems[1].why
    for category in ("correctness", "security", "test-quality", "maintainability"):
        assert category in check.problems[1].why
    assert check.warning == ""


def test_parse_review_notes_are_the_same_problems():
    findings, notes = parse_review(SLIPS)
    assert len(findings) == 1
    assert notes == [f"REVIEW.md line {p.line}: {p.why}" for p in check_review(SLIPS).problems]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("- line 37 [correctness] not stripped", "the file's path is missing"),
        ("- :37 [correctness] not stripped", "the file's path is missing"),
        ("- [security] secrets in logs", "the file's path is missing"),
        ("- src/greeter/loud.py [correctness] x", "the line numbers are missing"),
        ("- src/greeter/loud.py: missing lines", "the line numbers are missing"),
        ("- src/greeter/loud.py:START-END [correctness] x", "the line numbers are missing"),
        (
            "- src/greeter/loud.py#L37 [correctness] x",
            "write the location as src/greeter/loud.py:37",
        ),
        (
            "- src/greeter/loud.py lines 4-6 [correctness] x",
            "write the location as src/greeter/loud.py:4-6",
        ),
        ("- src/greeter/loud.py:5 not stripped", "the category is missing"),
        ("- src/greeter/loud.py:5 x [correctness] y", "right after the location"),
        ("1. src/greeter/loud.py:5 [correctness] x", "start the line with `- `"),
        ("src/greeter/loud.py:5 [correctness] x", "start the line with `- `"),
        ("- src/greeter/loud.py:5 [perf] slow", "did you mean [performance]"),
    ],
)
def test_each_kind_of_slip_is_named(line, why):
    check = check_review(f"# Review\n\n{line}\n")
    assert check.findings == ()
    assert [p.line for p in check.problems] == [3]
    assert why in check.problems[0].why


def test_categories_are_case_insensitive_and_stored_lowercase():
    check = check_review("* `src/a.py:3-1` [Test-Quality] asserts nothing\n")
    assert [(f.path, f.start, f.end, f.category) for f in check.findings] == [
        ("src/a.py", 1, 3, "test-quality")
    ]
    assert check.problems == ()


def test_free_text_is_not_a_problem():
    text = TEMPLATE + (
        "- src/greeter/loud.py:5 [correctness] name not stripped\n"
        "\n## Notes\n\n"
        "- I kept the loud() helper: it does what the ticket asks.\n"
        "- [x] ran the tests\n"
        "* Reverted the settings change, see TRANSCRIPT.md\n"
        "Line 12 of the brief is ambiguous [I think].\n"
    )
    check = check_review(text)
    assert len(check.findings) == 1
    assert check.problems == ()
    assert check.warning == ""


@pytest.mark.parametrize("text", ["", "  \n\n", TEMPLATE, TEMPLATE.rstrip() + "\n\n\n"])
def test_an_empty_review_or_the_untouched_template_is_a_warning(text):
    check = check_review(text)
    assert check.findings == () and check.problems == ()
    assert check.warning
    assert ("template" in check.warning) == bool(text.strip())
