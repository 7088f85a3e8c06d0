"""The comparison report: candidates side by side, who is ahead and how sure we are.

Rows follow :func:`harness.scoring.comparison.compare`'s order (score, or Rasch ability when the
cohort allows). Ties are called as ties: a candidate whose probability of being ahead of the one
above is within the profile's tie margin shares that rank ("2="), and the heat map shows every
pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from harness.reports.render import Interval, heat, interval_of, render
from harness.scoring.comparison import Comparison
from harness.scoring.posterior import CandidateScore
from harness.scoring.profile import DIMENSIONS, Profile

#: Above this many candidates the heat map drops the numbers and keeps the colours.
NUMBERED_CELLS_UP_TO = 12
#: The plain-language summary stays short: this many sentences, then a count of the rest.
SUMMARY_SENTENCES = 8


@dataclass(frozen=True, kw_only=True)
class Row:
    """One candidate in the comparison."""

    rank: str
    """"1", "2=", …: a tied candidate shares the rank of the one above."""
    position: int
    candidate: str
    overall: Interval
    dimensions: Mapping[str, Interval]
    basis: str
    excluded: int
    ties_with: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Cell:
    """One heat map cell: P(row candidate ahead of column candidate)."""

    p: float | None
    """None on the diagonal."""
    background: str
    colour: str
    title: str


@dataclass(frozen=True, kw_only=True)
class ComparisonReport:
    """Everything the comparison page shows."""

    generated_at: datetime
    interval_mass: float
    ranking_method: str
    caveat: str
    """Said first when someone's score rests on a single scenario (empty otherwise)."""
    sentences: tuple[str, ...]
    more_sentences: int
    """Pairwise sentences left out of the summary (``dsim compare`` prints them all)."""
    close_neighbours: int
    """Neighbours in the ranking whose order is too close to call."""
    rows: tuple[Row, ...]
    heatmap: tuple[tuple[Cell, ...], ...]
    adjusted: bool
    """The heat map shows difficulty-adjusted probabilities (Rasch)."""
    numbered: bool
    tie_margin: float


def _ranks(order: list[str], ties: set[frozenset[str]]) -> list[str]:
    labels: list[str] = []
    rank = 0
    for i, name in enumerate(order):
        if i and frozenset((order[i - 1], name)) in ties:
            base = labels[-1].rstrip("=")
            labels[-1] = base + "="
            labels.append(base + "=")
        else:
            rank = i + 1
            labels.append(str(rank))
    return labels


def build_comparison(
    scores: Mapping[str, CandidateScore],
    result: Comparison,
    profile: Profile,
    *,
    now: datetime | None = None,
) -> ComparisonReport:
    """The comparison page for candidates already ranked by :func:`compare`."""
    ties = {frozenset(pair) for pair in result.ties}
    labels = _ranks(result.order, ties)
    rows = []
    for position, (name, label) in enumerate(zip(result.order, labels, strict=True), start=1):
        s = scores[name]
        rows.append(
            Row(
                rank=label,
                position=position,
                candidate=name,
                overall=interval_of(s.overall),
                dimensions={d: interval_of(s.dimensions[d]) for d in DIMENSIONS},
                basis=s.basis,
                excluded=len(s.excluded),
                ties_with=tuple(o for o in result.order if frozenset((name, o)) in ties),
            )
        )
    matrix = result.adjusted or result.matrix
    grid = []
    for a in result.order:
        cells = []
        for b in result.order:
            if a == b:
                cells.append(Cell(p=None, background="#ffffff", colour="#1b1b1b", title=a))
                continue
            p = matrix[a][b]
            bg, fg = heat(p)
            tie = " (too close to call)" if abs(p - 0.5) <= profile.tie_margin else ""
            cells.append(
                Cell(p=p, background=bg, colour=fg, title=f"P({a} ahead of {b}) = {p:.0%}{tie}")
            )
        grid.append(tuple(cells))
    return ComparisonReport(
        generated_at=now or datetime.now(UTC),
        interval_mass=profile.interval,
        ranking_method=result.ranking_method,
        caveat=result.caveat,
        sentences=tuple(result.sentences[:SUMMARY_SENTENCES]),
        more_sentences=max(len(result.sentences) - SUMMARY_SENTENCES, 0),
        close_neighbours=sum(
            frozenset(pair) in ties for pair in zip(result.order, result.order[1:], strict=False)
        ),
        rows=tuple(rows),
        heatmap=tuple(grid),
        adjusted=result.adjusted is not None,
        numbered=len(rows) <= NUMBERED_CELLS_UP_TO,
        tie_margin=profile.tie_margin,
    )


def render_comparison(report: ComparisonReport) -> str:
    """The comparison as one self-contained HTML document."""
    return render(
        "comparison.html.j2",
        c=report,
        generated_at=report.generated_at,
        interval_mass=report.interval_mass,
    )
