"""The cohort report: item analysis, reliability, fairness and predictive validity on one page.

One self-contained HTML page like every report (inline CSS and SVG, no scripts), printable, with a
plain-language summary at the top and every number's n beside it. Chart geometry is computed here
so the template only places shapes. Assessors get the items-and-reliability part (what a scenario
author acts on); admin and hiring get the whole page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from harness.evidence.items import MIN_RESPONSES
from harness.evidence.summary import SECTIONS, CohortEvidence, summary
from harness.reports.render import render

#: Colours: a flagged item or group, an unflagged one, a reference line.
FLAGGED, CLEAR, GUIDE = "#b42318", "#1f4e79", "#9a6700"


@dataclass(frozen=True, kw_only=True)
class Tick:
    at: float
    """Pixel position."""
    label: str


@dataclass(frozen=True, kw_only=True)
class ForestRow:
    label: str
    x: float
    x_low: float
    x_high: float
    colour: str
    text: str
    """The value as printed beside the row (with its n)."""
    tooltip: str


@dataclass(frozen=True, kw_only=True)
class Forest:
    """Values with intervals on one horizontal axis, and reference lines."""

    width: int
    height: int
    left: int
    right: float
    rows: tuple[ForestRow, ...]
    ticks: tuple[Tick, ...]
    guides: tuple[Tick, ...]
    caption: str
    row_height: int = 26
    top: int = 22
    """Room above the rows for the reference lines' labels."""


@dataclass(frozen=True, kw_only=True)
class Point:
    x: float
    y: float
    r: float
    colour: str
    tooltip: str


@dataclass(frozen=True, kw_only=True)
class Scatter:
    """Points on two axes, optionally joined by a line, with reference lines across."""

    width: int
    height: int
    left: int
    top: int
    plot_width: float
    plot_height: float
    points: tuple[Point, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    guides: tuple[Tick, ...]
    """Horizontal reference lines (pixel y, label)."""
    x_label: str
    y_label: str
    caption: str
    joined: bool = False


def _clip(v: float, low: float, high: float) -> float:
    return min(max(v, low), high)


def forest(
    rows: Sequence[tuple[str, float, float, float, str, str, str]],
    *,
    lo: float,
    hi: float,
    ticks: Sequence[float],
    guides: Sequence[tuple[float, str]],
    caption: str,
    fmt: str = "{:.2f}",
    width: int = 860,
    left: int = 230,
    value_width: int = 200,
) -> Forest:
    """Rows of (label, value, low, high, colour, printed text, tooltip) on an axis lo..hi."""
    plot = width - left - value_width

    def x(v: float) -> float:
        return left + (_clip(v, lo, hi) - lo) / (hi - lo) * plot

    built = tuple(
        ForestRow(
            label=label, x=x(v), x_low=x(a), x_high=max(x(b), x(a) + 1), colour=colour,
            text=text, tooltip=tooltip,
        )
        for label, v, a, b, colour, text, tooltip in rows
    )  # fmt: skip
    height = 22 + 26 * max(len(built), 1) + 26
    return Forest(
        width=width,
        height=height,
        left=left,
        right=left + plot,
        rows=built,
        ticks=tuple(Tick(at=x(t), label=fmt.format(t)) for t in ticks),
        guides=tuple(Tick(at=x(v), label=label) for v, label in guides),
        caption=caption,
    )


def items_chart(evidence: CohortEvidence) -> Scatter | None:
    """Pass rate against discrimination, one point per item with a discrimination."""
    items = [i for i in evidence.items.items if i.discrimination is not None]
    if not items:
        return None
    width, height, left, top = 860, 340, 60, 14
    pw, ph = width - left - 20, height - top - 46
    y_lo, y_hi = -0.6, 1.0

    def px(v: float) -> float:
        return left + _clip(v, 0, 1) * pw

    def py(v: float) -> float:
        return top + (y_hi - _clip(v, y_lo, y_hi)) / (y_hi - y_lo) * ph

    points = tuple(
        Point(
            x=px(i.pass_rate),
            y=py(i.discrimination or 0.0),
            r=3 + min(math.sqrt(i.responses), 20) / 3,
            colour=FLAGGED if i.flags else CLEAR,
            tooltip=f"{i.key}{' — ' + i.title if i.title else ''}: pass rate "
            f"{i.pass_rate:.0%}, discrimination {i.discrimination:+.2f}, n = {i.responses}",
        )
        for i in items
    )
    return Scatter(
        width=width, height=height, left=left, top=top, plot_width=pw, plot_height=ph,
        points=points,
        x_ticks=tuple(Tick(at=px(t / 100), label=f"{t}%") for t in range(0, 101, 20)),
        y_ticks=tuple(Tick(at=py(t), label=f"{t:+.1f}") for t in (-0.4, 0.0, 0.4, 0.8)),
        guides=(Tick(at=py(0.1), label="0.1: near-zero below"),),
        x_label="pass rate (difficulty: easier to the right)",
        y_label="discrimination (item-rest r)",
        caption="Items: pass rate against discrimination; red items are flagged",
    )  # fmt: skip


def reliability_chart(evidence: CohortEvidence) -> Forest | None:
    rows = [
        (
            f"{s.scenario}@{s.version}", s.kr20, s.low if s.low is not None else s.kr20,
            s.high if s.high is not None else s.kr20, GUIDE if s.warning else CLEAR,
            f"{s.kr20:.2f}  n = {s.candidates}, {s.items} items",
            f"KR-20 {s.kr20:.2f}" + (f" (95% {s.low:.2f}–{s.high:.2f})" if s.low is not None
            and s.high is not None else "") + f", {s.candidates} candidates",
        )
        for s in evidence.reliability.scenarios
        if s.kr20 is not None
    ]  # fmt: skip
    if not rows:
        return None
    return forest(
        rows, lo=-0.2, hi=1.0, ticks=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0),
        guides=((0.7, "0.7"), (0.8, "0.8")),
        caption="KR-20 per scenario with 95% intervals",
    )  # fmt: skip


def fairness_charts(evidence: CohortEvidence) -> list[tuple[str, Forest]]:
    out: list[tuple[str, Forest]] = []
    for a in evidence.fairness.attributes if evidence.fairness else ():
        rows = [
            (
                r.group, r.ratio, r.low if r.low is not None else r.ratio,
                r.high if r.high is not None else r.ratio, FLAGGED if r.flagged else CLEAR,
                f"{r.ratio:.2f}  {r.selected}/{r.n} selected",
                f"{a.attribute} {r.group}: impact ratio {r.ratio:.2f}"
                + (f" (95% {r.low:.2f}–{r.high:.2f})" if r.low is not None and r.high is not None
                   else "") + f", rate {r.rate:.0%} of {r.n}",
            )
            for r in a.rows
            if not r.suppressed and r.ratio is not None and r.n is not None
        ]  # fmt: skip
        if rows:
            out.append(
                (
                    a.attribute,
                    forest(
                        rows,
                        lo=0.0,
                        hi=1.6,
                        ticks=(0.0, 0.4, 0.8, 1.2, 1.6),
                        guides=((1.0, "parity"), (0.8, "four-fifths")),
                        caption=f"Impact ratios by {a.attribute} with 95% intervals",
                    ),
                )
            )
    return out


def validity_chart(evidence: CohortEvidence) -> Scatter | None:
    """The calibration plot: each score band's mean score against its later success rate."""
    bands = evidence.validity.bands if evidence.validity else ()
    if not bands:
        return None
    width, height, left, top = 620, 320, 60, 14
    pw, ph = width - left - 20, height - top - 46

    def px(v: float) -> float:
        return left + _clip(v, 0, 100) / 100 * pw

    def py(v: float) -> float:
        return top + (1 - _clip(v, 0, 1)) * ph

    return Scatter(
        width=width, height=height, left=left, top=top, plot_width=pw, plot_height=ph,
        points=tuple(
            Point(
                x=px(b.mean_score), y=py(b.success_rate), r=4 + min(math.sqrt(b.n), 12) / 2,
                colour=CLEAR,
                tooltip=f"{b.label}: mean score {b.mean_score:.0f}, later success "
                f"{b.success_rate:.0%}, n = {b.n}",
            )
            for b in bands
        ),
        x_ticks=tuple(Tick(at=px(t), label=str(t)) for t in range(0, 101, 20)),
        y_ticks=tuple(Tick(at=py(t / 100), label=f"{t}%") for t in range(0, 101, 25)),
        guides=(),
        x_label="simulation score before (band mean)",
        y_label="later delivery success",
        caption="Calibration: score bands against later delivery success",
        joined=True,
    )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class ScenarioItems:
    """One scenario's items in aggregate: what hiring sees instead of the items themselves."""

    scenario: str
    items: int
    flagged: int
    responses: int
    """Candidates who took it (the most responses any of its items has)."""
    pass_rate: float
    """Mean pass rate over its items."""


def scenario_items(evidence: CohortEvidence) -> list[ScenarioItems]:
    """The item analysis per scenario version, without naming any flaw or keep."""
    groups: dict[str, list[Any]] = {}
    for i in evidence.items.items:
        groups.setdefault(f"{i.scenario}@{i.version}", []).append(i)
    return [
        ScenarioItems(
            scenario=name,
            items=len(rows),
            flagged=sum(1 for i in rows if i.flags and i.responses >= MIN_RESPONSES),
            responses=max(i.responses for i in rows),
            pass_rate=sum(i.pass_rate for i in rows) / len(rows),
        )
        for name, rows in sorted(groups.items())
    ]


def cohort_context(
    evidence: CohortEvidence, sections: Sequence[str] = SECTIONS, *, item_detail: bool = True
) -> dict[str, Any]:
    """What cohort.html.j2 needs: the evidence, the summary and the charts of ``sections``.
    Without ``item_detail`` (hiring), items are shown per scenario only: flaw and keep ids and
    titles stay with assessors, as on every other page hiring reads."""
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown cohort report sections: {', '.join(sorted(unknown))}")
    missing = [
        s for s in ("fairness", "validity") if s in sections and getattr(evidence, s) is None
    ]
    if missing:
        raise ValueError(f"the evidence was gathered without: {', '.join(missing)}")
    return {
        "e": evidence,
        "sentences": summary(evidence, sections=sections),
        "sections": [s for s in SECTIONS if s in sections],
        "item_detail": item_detail,
        "min_responses": MIN_RESPONSES,
        "scenario_items": scenario_items(evidence),
        "items_chart": items_chart(evidence) if "items" in sections and item_detail else None,
        "reliability_chart": reliability_chart(evidence) if "reliability" in sections else None,
        "fairness_charts": fairness_charts(evidence) if "fairness" in sections else [],
        "validity_chart": validity_chart(evidence) if "validity" in sections else None,
    }


def render_cohort_report(evidence: CohortEvidence, *, sections: Sequence[str] = SECTIONS) -> str:
    """The cohort report as one self-contained HTML document, with only ``sections`` (in
    :data:`SECTIONS` order)."""
    return render(
        "cohort.html.j2",
        generated_at=evidence.generated_at,
        interval_mass=evidence.interval_mass,
        **cohort_context(evidence, sections),
    )
