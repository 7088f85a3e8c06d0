"""HTML reports from a store filled by real gradings: content, isolation, escaping, rendering.

Pages are opened in headless Chromium; screenshots go to build/screenshots/ for people to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.reports.candidate import build_report, render_report
from harness.reports.comparison import _ranks, build_comparison, render_comparison
from harness.reports.feedback import build_feedback, render_feedback
from harness.scoring.comparison import compare
from harness.scoring.posterior import score_all
from harness.scoring.profile import DIMENSIONS, load_profile
from harness.store import Result, Submission

SCENARIO_PARTS = ("flaws", "keeps", "regressions", "integrity", "overrides", "review", "diff")
FORBIDDEN_TAGS = {"script", "link", "img", "iframe", "object", "embed", "base", "meta-refresh"}
HOSTILE = "<script>alert(1)</script>"


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _scores(cohort):
    return score_all(cohort.store, cohort.profile, now=cohort.now)


def _report(cohort, name: str) -> str:
    return render_report(build_report(cohort.store, _scores(cohort)[name], cohort.profile))


def _feedback(cohort, name: str) -> str:
    return render_feedback(build_feedback(cohort.store, _scores(cohort)[name], cohort.profile))


def _comparison(cohort) -> tuple[str, list[str]]:
    scores = _scores(cohort)
    result = compare(scores, list(cohort.names), cohort.profile)
    return render_comparison(build_comparison(scores, result, cohort.profile)), result.order


@pytest.fixture
def self_contained(parse_html):
    """Assert a page has no scripts and no external resources: offline, and runs nothing."""

    def check(html: str) -> None:
        page = parse_html(html)
        assert not FORBIDDEN_TAGS & set(page.tags)
        for tag, name, value in page.attrs:
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "srcset", "action", "formaction", "http-equiv"), name
            if name == "href":
                assert value.startswith("#"), value
            assert "url(" not in value and "javascript:" not in value.lower(), (tag, name)
        css = "".join(page.styles)
        assert "url(" not in css and "@import" not in css and "@font-face" not in css
        assert "@media print" in css

    return check


@pytest.mark.docker
def test_assessor_report_shows_verdicts_messages_review_overrides_and_budget(graded_cohort):
    html = _report(graded_cohort, graded_cohort.accepter)
    flaw = graded_cohort.scenarios[0].manifest.flaws[0]
    assert esc(flaw.title) in html
    assert flaw.category.value in html and flaw.locations[0] in html
    assert "AssertionError" in html  # the failing hidden test's message, where not fixed
    assert "not named" in html
    assert graded_cohort.override_reason in html and "lead-assessor" in html
    assert "over budget" in html and "25 min of 20 min" in html
    assert "Add shout() to the greeter" in html  # each brief in one line
    assert "Use shout() for the banner on the welcome page" in html
    fixer = _report(graded_cohort, graded_cohort.fixer)
    assert "delivery records" in fixer and ">named<" in fixer
    assert "15 min of 20 min" in fixer


@pytest.mark.docker
def test_integrity_findings_are_a_visible_callout(graded_cohort):
    html = _report(graded_cohort, HOSTILE)
    assert 'class="callout"><h3>Integrity findings' in html
    assert "conftest.py configures the test run and is protected" in html


@pytest.mark.docker
def test_excluded_evidence_is_listed(graded_cohort):
    html = _report(graded_cohort, graded_cohort.reverter)
    assert "graded without isolation (local backend)" in html
    assert html.count('class="badge v-lost"') >= 2


@pytest.mark.docker
def test_every_page_is_one_self_contained_file(graded_cohort, self_contained):
    for html in (
        _report(graded_cohort, graded_cohort.accepter),
        _comparison(graded_cohort)[0],
        _feedback(graded_cohort, graded_cohort.fixer),
    ):
        self_contained(html)


@pytest.mark.docker
def test_hostile_name_review_and_diff_are_escaped_everywhere(
    graded_cohort, self_contained, parse_html
):
    pages = [
        _report(graded_cohort, HOSTILE),
        _feedback(graded_cohort, HOSTILE),
        _comparison(graded_cohort)[0],
    ]
    for html in pages:
        assert HOSTILE not in html
        assert esc(HOSTILE) in html
        assert "<script" not in html.lower()
        self_contained(html)
    report = pages[0]
    for raw in (
        '<h1 id="pwned">',
        "<img src=x",
        '<a href="javascript:',
        "<iframe",
        "</pre><script>alert(2)",
        "<b>mallory</b>",
        "<style>body{display:none}",
    ):
        assert raw not in report
    assert esc("<img src=x onerror=alert(3)>") in report
    assert esc("<b>mallory</b>") in report
    assert "pwned" not in parse_html(report).ids
    assert esc(graded_cohort.hostile_review.splitlines()[0]) in report


@pytest.mark.docker
def test_candidate_view_shows_no_hidden_tests_locations_or_other_candidates(graded_cohort):
    forbidden = {graded_cohort.override_reason, "percentile", "lead-assessor"}
    for scenario in graded_cohort.scenarios:
        m = scenario.manifest
        for flaw in m.flaws:
            forbidden |= {flaw.id, flaw.title, esc(flaw.title), *flaw.locations, *flaw.tests}
            forbidden |= {loc.split(":")[0] for loc in flaw.locations}
        for keep in m.keeps:  # the id names the ticket's own feature ("shout"): not a secret
            forbidden |= {esc(keep.title), *keep.tests}
    for score in _scores(graded_cohort).values():
        for g in score.graded:
            assert g.result.hidden is not None
            for test, info in g.result.hidden.tests.items():
                forbidden |= {test, test.rsplit("::", 1)[-1]}
                if info.message:
                    forbidden.add(info.message.splitlines()[0])
    for name in graded_cohort.names:
        html = _feedback(graded_cohort, name)
        assert esc(name) in html
        others = {n for n in graded_cohort.names if n != name}
        for text in forbidden | others | {esc(o) for o in others}:
            assert text not in html, (name, text)
    reverter = _feedback(graded_cohort, graded_cohort.reverter)
    assert "Correctness" in reverter and "missed 2 of 2" in reverter
    assert "Keep what is right" in reverter


@pytest.mark.docker
def test_comparison_is_sorted_with_intervals_matrix_and_summary(graded_cohort, parse_html):
    html, order = _comparison(graded_cohort)
    ranking = html[html.index('id="ranking"') :]
    positions = [ranking.index(f"<strong>{esc(n)}</strong>") for n in order]
    assert positions == sorted(positions)
    page = parse_html(html)
    cells = [
        v
        for tag, name, v in page.attrs
        if tag == "td" and name == "style" and v.startswith("background:")
    ]
    n = len(graded_cohort.names)
    assert len(cells) == n * n
    assert {f"dimension-{d}" for d in DIMENSIONS} <= page.ids
    assert "is ahead" in html or "too close to call" in html


@pytest.mark.docker
def test_pages_render_in_headless_chromium(
    graded_cohort, chromium, screenshots, parse_html, tmp_path: Path
):
    scenario_ids = {f"scenario-{i}-{p}" for i in (1, 2) for p in SCENARIO_PARTS}
    pages = {
        "report": (
            _report(graded_cohort, graded_cohort.accepter),
            {
                "summary",
                "dimensions",
                "excluded",
                "scenarios",
                "scenario-1",
                "scenario-2",
                *scenario_ids,
            },
        ),
        "report-hostile": (
            _report(graded_cohort, HOSTILE),
            {"summary", "dimensions", "scenario-1", "scenario-1-integrity"},
        ),
        "comparison": (
            _comparison(graded_cohort)[0],
            {"summary", "intervals", "ranking", "dimensions", "matrix"},
        ),
        "candidate-view": (
            _feedback(graded_cohort, graded_cohort.reverter),
            {"summary", "overview", "practise", "habits", "attempts"},
        ),
    }
    for name, (html, ids) in pages.items():
        page = tmp_path / f"{name}.html"
        page.write_text(html, encoding="utf-8")
        shot = screenshots / f"{name}.png"
        log, dom = chromium.open(page, shot, tmp_path / name)
        console = [line for line in log.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
        assert console == [], console
        rendered = parse_html(dom)
        assert ids <= rendered.ids, ids - rendered.ids
        assert "pwned" not in rendered.ids and "script" not in rendered.tags
        assert shot.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("ties", "order", "expected"),
    [
        (set(), ["a", "b", "c"], ["1", "2", "3"]),
        ({frozenset("bc")}, ["a", "b", "c", "d"], ["1", "2=", "2=", "4"]),
        ({frozenset("ab"), frozenset("bc")}, ["a", "b", "c"], ["1=", "1=", "1="]),
    ],
)
def test_tied_neighbours_share_a_rank(ties, order, expected):
    assert _ranks(order, ties) == expected


def _stored(store, name: str, fixed: bool) -> None:
    sub = Submission(
        candidate=name,
        scenario_id="gone",
        scenario_version="1.0.0",
        scenario_ref="gone",
        seed=1,
        diff="",
        review="",
        content_hash="x",
        source="patch",
        findings=[],
    )
    store.add(sub)
    items = [
        {
            "id": "f0",
            "kind": "flaw",
            "severity": 2,
            "category": "security",
            "verdict": "fixed" if fixed else "not_fixed",
            "tests": [],
        }
    ]
    store.add(
        Result(
            submission_id=sub.id,
            key="k",
            status="graded",
            backend="docker",
            isolated=True,
            data={"status": "graded", "items": items, "regression": {"passed": 1, "total": 1}},
        )
    )


def test_ties_are_shown_as_ties_and_a_missing_scenario_is_said(store):
    profile = load_profile()
    for name, fixed in (("twin-a", True), ("twin-b", True), ("loser", False)):
        _stored(store, name, fixed)
    scores = score_all(store, profile)
    result = compare(scores, ["twin-a", "twin-b", "loser"], profile)
    html = render_comparison(build_comparison(scores, result, profile))
    assert ">1=<" in html and "too close to call" in html
    report = render_report(build_report(store, scores["loser"], profile))
    assert "scenario gone is not available here" in report
    assert "Not available: the scenario could not be loaded here." in report
    feedback = render_feedback(build_feedback(store, scores["loser"], profile))
    assert "Security" in feedback and "missed 1 of 1" in feedback


def test_the_assessor_report_lists_the_delivery_records_behind_the_score(store, tmp_path):
    from harness.scoring.records import delete_record, import_csv

    _stored(store, "ada", True)
    csv = tmp_path / "delivery.csv"
    csv.write_text(
        "engineer,date,source,dimension,outcome,weight,note\n"
        "Ada,2026-03-14,jira PAY-812,catch,fail,,shipped a float bug\n"
        "Ada,2026-04-02,github #233,,pass,2,clean review\n"
        "ada,2026-04-09,github #250,keep,pass,,deleted later\n"
    )
    import_csv(store, csv)
    delete_record(store, store.records("ada")[-1].id, by="lee")
    profile = load_profile()
    report = build_report(store, score_all(store, profile)["ada"], profile)
    assert [(d.source, d.dimension, d.outcome, d.weight) for d in report.records] == [
        ("jira PAY-812", "catch", "fail", 1.0),
        ("github #233", "all", "pass", 2.0),
    ]
    html = render_report(report)
    assert "Delivery records (2)" in html and "jira PAY-812" in html
    assert report.name == "Ada" and "id ada" in html  # the name as typed, the id beside it
    assert "2026-03-14" in html and "github #250" not in html


def test_long_candidate_text_is_truncated_on_the_page_with_a_note(store):
    _stored(store, "ada", True)
    review = "".join(f"- line {n}\n" for n in range(2_500))
    diff = "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1,9000 @@\n" + "".join(
        f"+value_{n} = {'x' * 20!r}\n" for n in range(9_000)
    )
    with store.session() as s:
        sub = s.query(Submission).one()
        sub.review, sub.diff = review, diff
    profile = load_profile()
    report = build_report(store, score_all(store, profile)["ada"], profile)
    [section] = report.sections
    assert section.review_note == f"truncated: 500 more lines, see the stored submission {sub.id}"
    assert section.review_text.count("\n") == 2_000
    assert section.diff_note.startswith("truncated: ") and "KB more" in section.diff_note
    assert len(str(section.candidate_diff)) < len(diff) * 40
    html = render_report(report)
    assert section.review_note in html and section.diff_note in html
    assert "value_8999" not in html and "- line 2499" not in html


def test_a_report_is_found_by_the_name_as_typed(store):
    from harness.reports.candidate import candidate_html

    _stored(store, "ada", True)
    assert "ada" in candidate_html(store, load_profile(), " ADA ")
