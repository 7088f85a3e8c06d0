"""Adverse impact: selection rates and impact ratios across self-reported groups.

For each attribute (``sex``, ``ethnicity``, …) the cohort's scored candidates are split by the
group they reported. A group's *selection rate* is the share of its people who are selected; its
*impact ratio* is that rate divided by the highest group's rate. Two rules say who is selected:

- a cut score (``--cut``, else the profile's ``[cohort] cut_score``): a score at or above it.
  A ratio under four-fifths is "generally regarded by the Federal enforcement agencies as
  evidence of adverse impact" (29 CFR 1607.4(D), the Uniform Guidelines' four-fifths rule);
- with no cut, the *scoring rate* of NYC Local Law 144's rules (6 RCNY § 5-300, -301): the share
  of a group scoring above the cohort's median score, and the impact ratio is that over the
  highest group's scoring rate.

Invariants: a group with fewer than ``profile.min_group_size`` scored people is listed (so people
see it exists) but none of its numbers are — no count, no rate, no ratio; scored candidates with no
value for an attribute are counted as unknown, always shown; only aggregates leave this module,
never a person's group. 1607.4(D) itself warns that small numbers mislead, so every ratio carries
a 95% interval (Katz's log method for a ratio of two proportions) and the note says when it
reaches 1.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from harness.errors import InvalidInput, NotFound
from harness.evidence.cohort import Cohort
from harness.scoring.records import read_csv
from harness.store import (
    GroupMembership,
    Store,
    memberships,
    normalise_candidate,
    replace_memberships,
)

#: Two-sided 95% normal quantile.
Z95 = 1.959963984540054
#: Below this many scored candidates a warning says ratios are unstable. Larger cohorts are not
#: safe either: with 60 people per group and a third selected, 15 of 40 random splits fell under
#: 0.8 (test_fairness.py), which is why every flag carries its interval.
FEW_PEOPLE = 50
COLUMNS = ("candidate", "attribute", "group")
#: Column widths of ``group_memberships`` (harness.store.groups).
_LIMITS = {"candidate": 200, "attribute": 100, "group": 200}


@dataclass(frozen=True, kw_only=True)
class GroupRow:
    """One group's numbers for one attribute (all None when suppressed)."""

    group: str
    n: int | None
    """Scored people in the group; None when suppressed."""
    selected: int | None
    """How many of them are selected."""
    rate: float | None
    """Selection (or scoring) rate: selected / n."""
    ratio: float | None
    """Impact ratio: rate / the reference group's rate."""
    low: float | None
    """Lower end of the ratio's 95% interval (None for the reference group itself)."""
    high: float | None
    """Upper end of the ratio's 95% interval."""
    flagged: bool
    """The ratio is under ``profile.impact_ratio_flag``."""
    suppressed: bool
    """Fewer than ``profile.min_group_size`` people: no numbers shown."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "n": self.n,
            "selected": self.selected,
            "rate": _round(self.rate),
            "ratio": _round(self.ratio),
            "interval": None if self.low is None else [_round(self.low), _round(self.high)],
            "flagged": self.flagged,
            "suppressed": self.suppressed,
        }


@dataclass(frozen=True, kw_only=True)
class AttributeReport:
    """Impact ratios for one attribute."""

    attribute: str
    rows: tuple[GroupRow, ...]
    unknown: int
    """Scored candidates with no value for this attribute; when exactly one group is too small
    to show, its members too (see ``unknown_includes_small``)."""
    reference: str | None
    """The group with the highest rate among those shown; None when no ratio can be computed."""
    note: str
    """One or two plain sentences: which ratios are under the flag, with their intervals."""
    unknown_includes_small: bool = False
    """Exactly one group is suppressed, so its size would follow from the scored total minus the
    groups shown minus the unknowns: its members are counted with the unknowns instead
    (complementary suppression)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "attribute": self.attribute,
            "n": sum(r.n or 0 for r in self.rows if not r.suppressed),
            "unknown": self.unknown,
            "unknown_includes_small_group": self.unknown_includes_small,
            "reference": self.reference,
            "note": self.note,
            "groups": [r.as_dict() for r in self.rows],
        }


@dataclass(frozen=True, kw_only=True)
class Fairness:
    """Adverse-impact evidence over the cohort."""

    attributes: tuple[AttributeReport, ...]
    cut: float | None
    """The cut score (0-100) people are selected at; None under the median rule."""
    rule: str
    """Who counts as selected, in words."""
    candidates: int
    """Scored candidates."""
    warnings: tuple[str, ...]
    median: float | None = None
    """The cohort median score (0-100) the median rule uses; None with a cut."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "candidates": self.candidates,
            "cut": self.cut,
            "median": _round(self.median),
            "rule": self.rule,
            "warnings": list(self.warnings),
            "attributes": [a.as_dict() for a in self.attributes],
        }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def katz_interval(a: int, n1: int, b: int, n2: int, z: float = Z95) -> tuple[float, float]:
    """The interval of (a/n1) / (b/n2) by Katz's log method: log ratio ± z·√(1/a − 1/n1 + 1/b −
    1/n2). When a cell of the 2×2 table is zero, 0.5 is added to every cell (Haldane–Anscombe), so
    a group with nobody (or everybody) selected still gets a finite, wide interval."""
    if min(a, n1 - a, b, n2 - b) == 0:
        x, y, m1, m2 = a + 0.5, b + 0.5, n1 + 1.0, n2 + 1.0
    else:
        x, y, m1, m2 = float(a), float(b), float(n1), float(n2)
    centre = math.log((x / m1) / (y / m2))
    se = math.sqrt(1 / x - 1 / m1 + 1 / y - 1 / m2)
    return math.exp(centre - z * se), math.exp(centre + z * se)


def _attribute(
    attribute: str,
    groups: dict[str, list[bool]],
    unknown: int,
    *,
    min_size: int,
    flag: float,
) -> AttributeReport:
    """The report for one attribute from each group's selections (one bool per scored person)."""
    shown = {g: (len(s), sum(s)) for g, s in groups.items() if len(s) >= min_size}
    rates = {g: k / n for g, (n, k) in shown.items()}
    top = max(rates.values(), default=0.0)
    # Among equal rates the first group by name is the reference, so the output is stable.
    tops = sorted(g for g, r in rates.items() if r == top)
    reference = tops[0] if len(shown) > 1 and top > 0 else None
    rows = []
    for group in sorted(groups):
        if group not in shown:
            rows.append(_suppressed(group))
            continue
        n, k = shown[group]
        ratio = low = high = None
        if reference is not None:
            rn, rk = shown[reference]
            ratio = (k / n) / (rk / rn)
            if group != reference:
                low, high = katz_interval(k, n, rk, rn)
        flagged = ratio is not None and ratio < flag
        rows.append(
            GroupRow(
                group=group, n=n, selected=k, rate=k / n, ratio=ratio, low=low, high=high,
                flagged=flagged, suppressed=False,
            )
        )  # fmt: skip
    hidden = [g for g, s in groups.items() if g not in shown and s]
    return AttributeReport(
        attribute=attribute,
        rows=tuple(rows),
        unknown=unknown + (len(groups[hidden[0]]) if len(hidden) == 1 else 0),
        reference=reference,
        note=_note(rows, shown, reference, flag),
        unknown_includes_small=len(hidden) == 1,
    )


def _suppressed(group: str) -> GroupRow:
    return GroupRow(
        group=group, n=None, selected=None, rate=None, ratio=None, low=None, high=None,
        flagged=False, suppressed=True,
    )  # fmt: skip


def _note(rows: list[GroupRow], shown: dict[str, Any], reference: str | None, flag: float) -> str:
    if len(shown) < 2:
        return "Fewer than two groups are large enough to show: no impact ratio is computed."
    if reference is None:
        return "Nobody in any group shown is selected: impact ratios are undefined."
    flagged = [r for r in rows if r.flagged]
    if not flagged:
        return f"No group's impact ratio is under {flag:g}."
    sentences = []
    for r in flagged:
        assert r.ratio is not None and r.low is not None and r.high is not None
        sentences.append(
            f"{r.group}: impact ratio {r.ratio:.2f} against {reference} (95% interval "
            f"{r.low:.2f}–{r.high:.2f}), under {flag:g}"
            + ("; the interval reaches 1, so it may be chance." if r.high >= 1 else ".")
        )
    return " ".join(sentences)


def fairness(
    store: Store, cohort: Cohort, *, cut: float | None = None, attribute: str | None = None
) -> Fairness:
    """Selection rates and impact ratios per self-reported group, for every attribute (or one).

    The candidates are the cohort's measured ones, each with their displayed score; the cut is
    ``cut`` (0-100), else the profile's, else the median rule (see the module docstring).
    ``attribute`` is matched as imported (case-folded).

    Raises:
        NotFound: ``attribute`` has no stored memberships (the known ones are named).
    """
    profile = cohort.profile
    people = cohort.measured
    # Compared as displayed (0-100, one decimal): a person shown at 60.0 is at a cut of 60.
    scores = {p: round(100 * (cohort.score(p) or 0.0), 1) for p in people}
    cut = cut if cut is not None else profile.cut_score
    median = None
    if cut is not None:
        selected = {p: s >= cut for p, s in scores.items()}
        rule = f"selected: score at or above the cut {cut:g}"
    else:
        median = float(np.median(list(scores.values()))) if scores else 0.0
        selected = {p: s > median for p, s in scores.items()}
        rule = (
            f"scoring rate: share scoring above the cohort median ({median:.1f}), "
            "as NYC Local Law 144 does for scores"
        )
    rows = memberships(store)
    known = sorted({r.attribute for r in rows})
    attribute = None if attribute is None else _clean(attribute).casefold()  # as imported
    if attribute is not None and attribute not in known:
        raise NotFound(
            f"no group memberships for attribute {attribute!r}",
            hint=f"known: {', '.join(known)}" if known else "import them with `dsim groups import`",
        )
    reports = []
    for name in [attribute] if attribute is not None else known:
        mine = [r for r in rows if r.attribute == name]
        groups: dict[str, list[bool]] = {r.value: [] for r in mine}
        for r in mine:
            if r.candidate in selected:
                groups[r.value].append(selected[r.candidate])
        unknown = len(set(people) - {r.candidate for r in mine})
        reports.append(
            _attribute(
                name, groups, unknown, min_size=profile.min_group_size,
                flag=profile.impact_ratio_flag,
            )
        )  # fmt: skip
    return Fairness(
        attributes=tuple(reports),
        cut=cut,
        rule=rule,
        candidates=len(people),
        warnings=tuple(_warnings(reports, len(people), bool(known))),
        median=median,
    )


def _warnings(reports: list[AttributeReport], candidates: int, any_groups: bool) -> list[str]:
    out = []
    if not any_groups:
        out.append("no group memberships are stored: import them with `dsim groups import`")
    if candidates < FEW_PEOPLE:
        out.append(
            f"only {candidates} scored candidates: with groups this small a ratio under the flag "
            "often happens by chance; read the 95% intervals"
        )
    for report in reports:
        if sum(not r.suppressed for r in report.rows) < 2:
            out.append(
                f"{report.attribute}: fewer than two groups large enough to show; nothing to "
                "compare"
            )
    return out


@dataclass(frozen=True, kw_only=True)
class GroupImport:
    """What ``dsim groups import`` stored: counts per attribute, never names."""

    counts: dict[str, dict[str, int]]
    """Per attribute: ``new``, ``changed`` (a person's earlier value replaced), ``unchanged``."""
    not_in_store: int = 0
    """People in the file the store holds nothing else about yet (a misspelt id shows here)."""


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def import_groups(store: Store, path: Path, *, allow_unknown: bool = False) -> GroupImport:
    """Import a ``candidate,attribute,group`` CSV: all or nothing, every bad line listed.

    Attribute names are case-folded (``Sex`` is ``sex``); groups are kept as written, and two
    spellings of one group that differ only in case are refused, as is a second group for the
    same person and attribute. A person's earlier value for an attribute is replaced. A person
    the store knows nothing else about is refused unless ``allow_unknown``: a misspelt id would
    leave a row that erasing the real person does not reach.

    Raises:
        InvalidInput: the file cannot be read, its header is wrong, or any line is bad.
    """
    reader = read_csv(path, required=COLUMNS, known=COLUMNS)
    stored = {(r.attribute, r.value.casefold()): r.value for r in memberships(store)}
    problems: list[str] = []
    seen: dict[tuple[str, str], tuple[int, str]] = {}
    spelled: dict[tuple[str, str], tuple[int, str]] = {}
    rows: list[tuple[str, str, str]] = []
    lines_of: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        values = {c: _clean(raw.get(c)) for c in COLUMNS}
        issues = [f"line {line}: {c} is empty" for c in COLUMNS if not values[c]]
        issues += [
            f"line {line}: {c} is longer than {limit} characters"
            for c, limit in _LIMITS.items()
            if len(values[c]) > limit
        ]
        if None in raw:
            issues.append(f"line {line}: more fields than the header's {len(COLUMNS)}")
        if issues:
            problems.extend(issues)
            continue
        person = normalise_candidate(values["candidate"])
        attribute, group = values["attribute"].casefold(), values["group"]
        first = seen.setdefault((person, attribute), (line, group))
        if first[0] != line and first[1] != group:
            problems.append(
                f"line {line}: a second {attribute} for the person on line {first[0]}; "
                "give one group per person and attribute"
            )
            continue
        key = (attribute, group.casefold())
        other = stored.get(key)
        if other is not None and other != group:
            problems.append(
                f"line {line}: {attribute} group {group!r} is stored as {other!r}; use one spelling"
            )
            continue
        where, spelling = spelled.setdefault(key, (line, group))
        if spelling != group:
            problems.append(
                f"line {line}: {attribute} group {group!r} is spelt {spelling!r} on line {where}; "
                "use one spelling"
            )
            continue
        rows.append((values["candidate"], attribute, group))
        lines_of.setdefault(person, line)
    known = store.candidates()
    if not allow_unknown:
        problems += [
            f"line {line}: the store knows no candidate with this id (a typo? "
            "--allow-unknown imports it anyway)"
            for person, line in lines_of.items()
            if person not in known
        ]
    if problems:
        raise InvalidInput(
            f"{path}: {len(problems)} problem(s); nothing was imported",
            problems=problems,
            hint="fix the lines and import the file again",
        )
    people = set(lines_of)
    counts = replace_memberships(store, rows)
    return GroupImport(
        counts={a: {k: c[k] for k in ("new", "changed", "unchanged")} for a, c in counts.items()},
        not_in_store=len(people - known),
    )


@dataclass(frozen=True, kw_only=True)
class GroupCount:
    """How many people reported one group (None when suppressed)."""

    group: str
    n: int | None
    suppressed: bool


@dataclass(frozen=True, kw_only=True)
class AttributeCount:
    """How many people reported a value for one attribute, per group."""

    attribute: str
    people: int
    groups: tuple[GroupCount, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "attribute": self.attribute,
            "n": self.people,
            "groups": [
                {"group": g.group, "n": g.n, "suppressed": g.suppressed} for g in self.groups
            ],
        }


def summary(store: Store, *, min_size: int) -> list[AttributeCount]:
    """``dsim groups summary``: stored memberships counted per attribute and group, groups under
    ``min_size`` people suppressed (listed without a count)."""
    per: dict[str, Counter[str]] = {}
    row: GroupMembership
    for row in memberships(store):
        per.setdefault(row.attribute, Counter())[row.value] += 1
    return [
        AttributeCount(
            attribute=attribute,
            people=sum(counts.values()),
            groups=tuple(
                GroupCount(group=g, n=None, suppressed=True)
                if n < min_size
                else GroupCount(group=g, n=n, suppressed=False)
                for g, n in sorted(counts.items())
            ),
        )
        for attribute, counts in sorted(per.items())
    ]
