"""Integrity signals read from the store: the latest submission of each candidate per scenario,
compared (:mod:`similarity`) and timed (:mod:`timing`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from harness.errors import DsimError, NotFound
from harness.integrity.similarity import Entry, Pair, ScenarioSimilarity, Settings, compare
from harness.integrity.timing import Attempt, TimingSettings, TimingSignal, signals
from harness.result import ItemKind, Verdict, load_summary
from harness.scenarios.scenario import Scenario, resolve
from harness.scenarios.variants import draw
from harness.store import Store, Submission


@dataclass(frozen=True, kw_only=True)
class Unavailable:
    """A scenario whose submissions could not be compared, and why."""

    scenario_id: str
    reason: str


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _latest(store: Store, scenario: str | None) -> dict[str, list[Submission]]:
    by_scenario: dict[str, list[Submission]] = {}
    for sub in store.submissions(scenario=scenario, latest_only=True):
        by_scenario.setdefault(sub.scenario_id, []).append(sub)
    return by_scenario


def _scenario(subs: list[Submission]) -> Scenario:
    return resolve(subs[-1].scenario_ref)


def similarity(
    store: Store, *, scenario: str | None = None, settings: Settings | None = None
) -> tuple[list[ScenarioSimilarity], list[Unavailable]]:
    """Every scenario's (or ``scenario``'s) flagged pairs, and scenarios that could not be
    compared because their content is not installed here.

    Raises:
        NotFound: ``scenario`` was named and nobody has submitted to it.
    """
    groups = _latest(store, scenario)
    if scenario and not groups:
        raise NotFound(
            f"no submissions to scenario {scenario!r}",
            hint="`dsim results` lists submissions and their scenarios",
        )
    done, missing = [], []
    for scenario_id in sorted(groups):
        subs = groups[scenario_id]
        try:
            loaded = _scenario(subs)
        except DsimError as exc:
            missing.append(Unavailable(scenario_id=scenario_id, reason=exc.message))
            continue
        entries = [
            Entry(
                submission_id=sub.id,
                candidate=sub.candidate,
                diff=sub.diff,
                review=sub.review,
                values=draw(loaded, sub.seed).values,
            )
            for sub in subs
        ]
        done.append(compare(loaded, entries, settings))
    return done, missing


def _complete(store: Store, submission_id: str) -> bool:
    row = store.latest_result(submission_id)
    if row is None:
        return False
    # The stored summary (a few hundred bytes), not the whole result with its test output.
    items = (load_summary(row.summary) if row.summary else row.result.summary()).items
    flaws = [i for i in items if i.kind == ItemKind.FLAW]
    keeps = [i for i in items if i.kind == ItemKind.KEEP]
    return (
        bool(flaws)
        and all(i.verdict == Verdict.FIXED for i in flaws)
        and all(i.verdict == Verdict.KEPT for i in keeps)
    )


def attempts(store: Store, *, scenario: str | None = None) -> list[Attempt]:
    """Every candidate's latest submission per scenario that has a start time, timed."""
    out = []
    budgets: dict[str, int | None] = {}
    for scenario_id, subs in sorted(_latest(store, scenario).items()):
        if scenario_id not in budgets:
            try:
                budgets[scenario_id] = _scenario(subs).manifest.time_budget_minutes
            except DsimError:
                budgets[scenario_id] = None
        budget = budgets[scenario_id]
        if budget is None:
            continue
        for sub in subs:
            if sub.assignment_id is None:
                continue
            started = store.assignment(sub.assignment_id).started_at
            minutes = (_utc(sub.submitted_at) - _utc(started)).total_seconds() / 60
            out.append(
                Attempt(
                    candidate=sub.candidate,
                    submission_id=sub.id,
                    scenario_id=scenario_id,
                    minutes=minutes,
                    budget_minutes=budget,
                    complete=_complete(store, sub.id),
                )
            )
    return out


def timing(
    store: Store, *, scenario: str | None = None, settings: TimingSettings | None = None
) -> list[TimingSignal]:
    """The flagged timings of every scenario (or ``scenario``)."""
    return signals(attempts(store, scenario=scenario), settings)


@dataclass(frozen=True, kw_only=True)
class About:
    """The integrity signals that concern one candidate, for their assessor report."""

    pairs: tuple[Pair, ...]
    """Flagged pairs with this candidate on one side, highest score first."""
    timing: tuple[TimingSignal, ...]
    unavailable: tuple[Unavailable, ...] = ()


def about(store: Store, candidate: str, settings: Settings | None = None) -> About:
    """Similarity pairs and timing flags naming ``candidate`` (an id), computed over the
    cohorts of the scenarios they submitted to only."""
    scenarios = sorted({s.scenario_id for s in store.submissions(candidate=candidate)})
    pairs: list[Pair] = []
    flags: list[TimingSignal] = []
    missing: list[Unavailable] = []
    for scenario_id in scenarios:
        done, skipped = similarity(store, scenario=scenario_id, settings=settings)
        pairs += [p for result in done for p in result.pairs if p.names(candidate)]
        missing += skipped
        flags += [
            s for s in timing(store, scenario=scenario_id) if s.attempt.candidate == candidate
        ]
    pairs.sort(key=lambda p: -p.score)
    return About(pairs=tuple(pairs), timing=tuple(flags), unavailable=tuple(missing))
