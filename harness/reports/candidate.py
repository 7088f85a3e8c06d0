"""The assessor's per-candidate report: everything the store knows about one candidate, on a page.

Built from :func:`harness.scoring.posterior.score_all` (overrides applied), the stored submissions
and the scenarios (one-line brief, flaw locations, the AI change, the time budget). A scenario that
can no longer be found — a moved folder, a store imported on another machine — does not stop the
report: its section is built from the stored result and says what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup

from harness.reports.diffview import changed_files, highlight_diff
from harness.reports.render import Interval, interval_of, render
from harness.result import ItemKind, ItemResult, Outcome, Review, Scope, TestOutcome
from harness.scoring.posterior import Ability, CandidateScore, GradedSubmission
from harness.scoring.profile import DIMENSIONS, Profile
from harness.store import Store, Submission


@dataclass(frozen=True, kw_only=True)
class TestFailure:
    """A hidden test that did not pass, as the assessor needs to see it."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    test: str
    """pytest node id (or the engineer's test file, for test-strength flaws)."""
    outcome: str
    """failed, error, skipped, missing, … (weak for test-strength)."""
    message: str
    """The failure message, trimmed for the page."""


@dataclass(frozen=True, kw_only=True)
class ItemRow:
    """One seeded flaw or keep, with its verdict."""

    id: str
    title: str
    kind: str
    """flaw or keep."""
    verdict: str
    """After overrides."""
    original_verdict: str | None
    """The graded verdict when an override changed it."""
    category: str = ""
    severity: int = 0
    locations: tuple[str, ...] = ()
    named: bool | None = None
    """Did REVIEW.md name this flaw (None: not a flaw, or the review was not graded)."""
    failures: tuple[TestFailure, ...] = ()
    """Why it is not fixed/kept; empty when it is."""

    @property
    def ok(self) -> bool:
        return self.verdict in ("fixed", "kept")


@dataclass(frozen=True, kw_only=True)
class OverrideRow:
    """An assessor's override: who changed which verdict, when and why."""

    item: str
    verdict: str
    original: str
    reason: str
    by: str
    at: str


@dataclass(frozen=True, kw_only=True)
class DeliveryRow:
    """One delivery record behind the score."""

    id: str
    date: datetime
    source: str
    dimension: str
    """One of the five, or "all" (the record informs every dimension)."""
    outcome: str
    weight: float
    note: str


@dataclass(frozen=True, kw_only=True)
class ScenarioSection:
    """One graded submission on one scenario version."""

    anchor: str
    scenario: str
    version: str
    title: str
    brief: str
    """The ticket in one line (manifest summary, else title)."""
    submission_id: str
    submitted_at: datetime
    status: str
    void: bool
    flaws: tuple[ItemRow, ...]
    keeps: tuple[ItemRow, ...]
    regression: tuple[int, int]
    """(passed, total) regression tests."""
    regressions: tuple[TestFailure, ...]
    integrity: tuple[str, ...]
    notes: tuple[str, ...]
    overrides: tuple[OverrideRow, ...]
    review_text: str
    review_note: str
    """Says how much of REVIEW.md was left off the page, or ""."""
    review: Review | None
    """The review grader's section: findings, matched, recall, precision, false_alarms."""
    scope: Scope | None
    candidate_diff: Markup
    diff_note: str
    """Says how much of the candidate's diff was left off the page, or ""."""
    candidate_files: tuple[str, ...]
    ai_diff: Markup | None
    ai_files: tuple[str, ...]
    elapsed_seconds: float | None
    budget_seconds: float | None
    missing: str
    """Why some scenario facts (brief, locations, AI change, budget) are unavailable, or ""."""


@dataclass(frozen=True, kw_only=True)
class SimilarPair:
    """Another candidate whose own work on a scenario is alike (harness.integrity)."""

    other: str
    scenario: str
    kind: str
    """``code`` or ``review``."""
    mine: float
    """Share of this candidate's own tokens found in the other's."""
    theirs: float
    fragments: tuple[tuple[str, str], ...]
    """Matching fragments side by side: (this candidate's, the other's)."""


@dataclass(frozen=True, kw_only=True)
class IntegrityNotes:
    """Signals for the assessor; they never change a verdict or the score."""

    pairs: tuple[SimilarPair, ...] = ()
    timing: tuple[str, ...] = ()
    """One sentence per timing flag, with the numbers."""
    unavailable: tuple[str, ...] = ()
    """Scenarios that could not be compared here, with why."""


def integrity_notes(about: Any, candidate: str) -> IntegrityNotes:
    """The report's view of :func:`harness.integrity.about` for ``candidate``."""
    pairs = []
    for pair in about.pairs:
        first = pair.a == candidate
        for m in pair.matches:
            mine, theirs = (
                (m.fragments_a, m.fragments_b) if first else (m.fragments_b, m.fragments_a)
            )
            pairs.append(
                SimilarPair(
                    other=pair.b if first else pair.a,
                    scenario=pair.scenario_id,
                    kind=m.kind,
                    mine=m.share_a if first else m.share_b,
                    theirs=m.share_b if first else m.share_a,
                    fragments=tuple(zip(mine, theirs, strict=False)),
                )
            )
    return IntegrityNotes(
        pairs=tuple(pairs),
        timing=tuple(s.text() for s in about.timing),
        unavailable=tuple(f"{u.scenario_id}: {u.reason}" for u in about.unavailable),
    )


@dataclass(frozen=True, kw_only=True)
class CandidateReport:
    """Everything the assessor report shows."""

    candidate: str
    name: str
    """The name as the candidate last typed it (the id when none was kept)."""
    generated_at: datetime
    interval_mass: float
    overall: Interval
    dimensions: Mapping[str, Interval]
    evidence: Mapping[str, tuple[float, float]]
    """Per dimension, weighted (successes, failures) behind the posterior."""
    basis: str
    meaning: str
    """What the score and its interval mean, in plain words."""
    conflicts: tuple[str, ...]
    """Dimensions on which delivery records disagree with the simulation."""
    percentile: float | None
    cohort_size: int
    scenarios: tuple[str, ...]
    date_from: datetime | None
    date_to: datetime | None
    ability_note: str
    excluded: tuple[str, ...]
    delivery_records: int
    records: tuple[DeliveryRow, ...]
    """The delivery records the score counts, oldest first."""
    sections: tuple[ScenarioSection, ...]
    integrity: IntegrityNotes | None = None
    """Similarity and timing signals (``dsim report``); None where they were not computed."""


#: The most of a candidate's text a page renders; the stored submission always keeps all of it.
REVIEW_LINES = 2_000
DIFF_BYTES = 200 * 1024


def cap_lines(text: str, submission_id: str, limit: int = REVIEW_LINES) -> tuple[str, str]:
    """(the first ``limit`` lines of ``text``, a note saying how many more there are or "")."""
    lines = text.splitlines(keepends=True)
    if len(lines) <= limit:
        return text, ""
    more = len(lines) - limit
    return "".join(lines[:limit]), (
        f"truncated: {more:,} more line{'s' if more != 1 else ''}, see the stored submission "
        f"{submission_id}"
    )


def cap_bytes(text: str, submission_id: str, limit: int = DIFF_BYTES) -> tuple[str, str]:
    """(``text`` cut at the last whole line within ``limit`` bytes, a note saying how much more
    there is or "")."""
    data = text.encode()
    if len(data) <= limit:
        return text, ""
    cut = data[:limit]
    end = cut.rfind(b"\n") + 1 or limit
    kept = data[:end].decode(errors="ignore")
    more = data[end:]
    lines = more.count(b"\n")
    return kept, (
        f"truncated: {len(more) / 1024:,.0f} KB more ({lines:,} lines), see the stored "
        f"submission {submission_id}"
    )


_LOCATION = re.compile(r"^\S+\.py:\d+: in ")
_GRADED_TREE = re.compile(r"^(?:tree/)?_hidden_\w+/|^tree/", re.MULTILINE)


def _trim(message: str, lines: int = 12, chars: int = 1200) -> str:
    """A failure message for the page: pytest's summary line repeats in the traceback, so
    keep the traceback (it shows the failing assert) and name files as the scenario does."""
    text = message.strip().splitlines()
    start = next((n for n, line in enumerate(text) if _LOCATION.match(line)), 0)
    kept = _GRADED_TREE.sub(
        lambda m: "hidden/" if "_hidden_" in m.group() else "",
        "\n".join(text[start : start + lines]),
    )
    return kept if len(kept) <= chars else kept[:chars] + " …"


def _failure(test: str, tests: Mapping[str, TestOutcome]) -> TestFailure | None:
    """A test that did not pass, as the page shows it (None for one that passed)."""
    info = tests.get(test)
    if info is not None and info.outcome == Outcome.PASSED:
        return None
    return _row(test, info)


def _row(test: str, info: TestOutcome | None) -> TestFailure:
    return TestFailure(
        test=test,
        outcome=info.outcome.value if info else Outcome.MISSING.value,
        message=_trim(info.message if info else ""),
    )


def _failures(item: ItemResult, tests: Mapping[str, TestOutcome]) -> tuple[TestFailure, ...]:
    if item.verdict.success:
        return ()
    if item.strength is not None:  # test-strength: the engineer's own tests against mutants
        mutants = item.strength.mutants
        caught = sum(mutants.values())
        on_reference = "yes" if item.strength.passes_on_reference else "no"
        message = (
            f"passes on the reference solution: {on_reference}; caught {caught} of "
            f"{len(mutants)} known-bad versions"
        )
        return tuple(TestFailure(test=t, outcome="weak", message=message) for t in item.tests)
    return tuple(f for f in (_failure(t, tests) for t in item.tests) if f is not None)


def _scenario_facts(sub: Submission) -> tuple[Any, str, str | None]:
    """(scenario or None, why missing, the AI change as the candidate received it)."""
    from harness.errors import DsimError
    from harness.scenarios import materialize
    from harness.scenarios.scenario import resolve
    from harness.scenarios.variants import draw

    try:
        scenario = resolve(sub.scenario_ref)
        ai = materialize.ai_patch(scenario, draw(scenario, sub.seed).values)
    except DsimError as exc:
        return None, f"scenario {sub.scenario_ref} is not available here ({exc.message})", None
    missing = ""
    if scenario.version != sub.scenario_version:
        missing = (
            f"the scenario is now at version {scenario.version}; brief, locations and AI "
            "change below are from that version"
        )
    return scenario, missing, ai


def build_section(graded: GradedSubmission, sub: Submission, anchor: str) -> ScenarioSection:
    """The report section of one graded submission."""
    result = graded.result
    tests = result.hidden.tests if result.hidden is not None else {}
    review = result.review
    scenario, missing, ai = _scenario_facts(sub)
    manifest = scenario.manifest if scenario is not None else None
    locations = {f.id: f.locations for f in manifest.flaws} if manifest else {}
    named = review.named if review is not None else {}
    rows = [
        ItemRow(
            id=i.id,
            title=i.title or i.id,
            kind=i.kind.value,
            verdict=i.verdict.value,
            original_verdict=i.original_verdict.value if i.original_verdict else None,
            category=i.category,
            severity=i.severity,
            locations=tuple(locations.get(i.id, ())),
            named=named.get(i.id) if i.kind == ItemKind.FLAW and review else None,
            failures=_failures(i, tests),
        )
        for i in result.items
    ]
    originals = {r.id: r.original_verdict or r.verdict for r in rows}
    reg = result.regression
    # Every regression test the result counts as failed is listed, even one whose own outcome
    # was a pass: in a void run none of them counts, and the page must say which.
    regressions = tuple(_row(t, tests.get(t)) for t in reg.failed)
    integrity = [f.message for f in result.integrity]
    review_text, review_note = cap_lines(sub.review, sub.id)
    diff, diff_note = cap_bytes(sub.diff, sub.id)
    if result.void:
        integrity.insert(
            0,
            "This run was voided by the integrity checks: every item in it "
            "counts as not fixed / lost.",
        )
    return ScenarioSection(
        anchor=anchor,
        scenario=graded.scenario,
        version=graded.version,
        title=manifest.title if manifest else graded.scenario,
        brief=(manifest.summary or manifest.title) if manifest else "",
        submission_id=graded.submission_id,
        submitted_at=graded.submitted_at,
        status=result.status.value,
        void=result.void,
        flaws=tuple(r for r in rows if r.kind == "flaw"),
        keeps=tuple(r for r in rows if r.kind == "keep"),
        regression=(reg.passed, reg.total),
        regressions=regressions,
        integrity=tuple(integrity),
        notes=tuple(f.message for f in result.notes),
        overrides=tuple(
            OverrideRow(
                item=o.item,
                verdict=o.verdict.value,
                original=originals.get(o.item, "?"),
                reason=o.reason,
                by=o.by,
                at=o.at[:16].replace("T", " "),
            )
            for o in graded.overrides
        ),
        review_text=review_text,
        review_note=review_note,
        review=review,
        scope=result.scope,
        candidate_diff=highlight_diff(diff),
        diff_note=diff_note,
        candidate_files=tuple(changed_files(sub.diff)),
        ai_diff=highlight_diff(ai) if ai is not None else None,
        ai_files=tuple(changed_files(ai or "")),
        elapsed_seconds=sub.elapsed_seconds,
        budget_seconds=manifest.time_budget_minutes * 60.0 if manifest else None,
        missing=missing,
    )


def ability_note(ability: Ability | None) -> str:
    if ability is None:
        return ""
    if ability.rasch:
        return (
            f"difficulty-adjusted ability θ = {ability.theta:+.2f} ± {ability.se:.2f} "
            f"(Rasch fit over {ability.items} items)"
        )
    return ability.warning


def build_report(
    store: Store,
    score: CandidateScore,
    profile: Profile,
    *,
    now: datetime | None = None,
    integrity: IntegrityNotes | None = None,
) -> CandidateReport:
    """The assessor report of one scored candidate (with ``integrity`` signals when given)."""
    runs = sorted(score.graded, key=lambda g: (g.submitted_at, g.scenario))
    sections = tuple(
        build_section(g, store.submission(g.submission_id), f"scenario-{n}")
        for n, g in enumerate(runs, start=1)
    )
    moments = [g.submitted_at for g in runs]
    records = store.records(score.candidate)
    # The name typed at the latest submission, else in the latest delivery record.
    typed = [r.engineer_name for r in records]
    typed += [s.candidate_name for s in store.submissions(candidate=score.candidate)]
    return CandidateReport(
        candidate=score.candidate,
        name=next((n for n in reversed(typed) if n), score.candidate),
        generated_at=now or datetime.now(UTC),
        interval_mass=profile.interval,
        overall=interval_of(score.overall),
        dimensions={d: interval_of(score.dimensions[d]) for d in DIMENSIONS},
        evidence={
            d: (score.dimensions[d].successes, score.dimensions[d].failures) for d in DIMENSIONS
        },
        basis=score.basis,
        meaning=score.meaning,
        conflicts=tuple(score.conflicts),
        percentile=score.percentile,
        cohort_size=score.cohort_size,
        scenarios=tuple(score.scenarios),
        date_from=min(moments, default=None),
        date_to=max(moments, default=None),
        ability_note=ability_note(score.ability),
        excluded=tuple(score.excluded),
        delivery_records=score.observations,
        records=tuple(
            DeliveryRow(
                id=r.id,
                date=r.date,
                source=r.source,
                dimension=r.dimension or "all",
                outcome=r.outcome,
                weight=r.weight,
                note=r.note,
            )
            for r in records
        ),
        sections=sections,
        integrity=integrity,
    )


def render_report(report: CandidateReport) -> str:
    """The assessor report as one self-contained HTML document."""
    return render(
        "report.html.j2",
        r=report,
        generated_at=report.generated_at,
        interval_mass=report.interval_mass,
    )


def candidate_html(
    store: Store, profile: Profile, candidate: str, *, for_candidate: bool = False
) -> str:
    """``dsim report``: the assessor report, or with ``for_candidate`` the candidate's own view.
    ``candidate`` is a name as typed (``Ada `` finds ``ada``)."""
    from harness.errors import NotFound
    from harness.reports.feedback import build_feedback, render_feedback
    from harness.scoring.posterior import score_all
    from harness.store import normalise_candidate

    candidate = normalise_candidate(candidate)
    scores = score_all(store, profile, candidates=[candidate])
    if candidate not in scores:
        raise NotFound(
            f"no graded work or delivery records for {candidate!r}",
            hint="`dsim results` lists candidates",
        )
    if for_candidate:
        return render_feedback(build_feedback(store, scores[candidate], profile))
    from harness.integrity import about

    notes = integrity_notes(about(store, candidate), candidate)
    return render_report(build_report(store, scores[candidate], profile, integrity=notes))
