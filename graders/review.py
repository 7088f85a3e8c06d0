"""The ``review`` grader: REVIEW.md findings matched to the seeded flaws' locations.

Each finding credits at most one flaw, by these rules (docs/scenario-format.md states them for
scenario authors; change both together):

1. **Overlap.** A finding can name a flaw whose locations share a line with it in the same file,
   unless the finding is more than ``WIDTH_FACTOR`` × the flaw's span + ``WIDTH_SLACK`` lines long,
   the span being the number of lines the flaw's locations cover in the finding's file. Of the
   flaws it can name, it credits the one holding the largest share of its lines; ties go to a
   flaw of the finding's category, then to the flaw listed first in scenario.toml.
2. **Same-category fallback.** A finding that shares no line with any flaw (a too-wide overlap
   still counts as sharing) credits the flaw of its file and category when exactly one flaw has
   both, and no finding has named that flaw yet — by overlap anywhere in the review, or by an
   earlier fallback finding. So a flaw is named by at most one fallback finding, and only when
   no finding points at its lines.
3. recall = flaws named / flaws; precision = flaws named / (flaws named + findings that credited
   no flaw). Several findings on one flaw count once: a flaw's location may hold several
   problems, so more of them never lowers precision, and never raises it either — a grid of
   findings over a densely flawed file names each flaw once and pays for every other square.
4. A finding that credited no flaw and shares a line with a keep's location is a false alarm.
   One that credited a flaw is not, even where it also touches kept code: rule 1 already bounds
   how far past the flaw it may reach.

Invariants: no finding credits two flaws; no flaw is credited by two fallback findings; a finding
far wider than a flaw never credits it; adding findings never raises precision unless they name a
flaw not named yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graders import grader
from harness.grading.context import (
    GradeContext,
    GraderOutput,
    Location,
    Review,
    ReviewFinding,
    parse_location,
    parse_review,
)

#: A finding longer than WIDTH_FACTOR × the span of the flaw it overlaps (+ WIDTH_SLACK lines)
#: is too vague to name that flaw: it would name any flaw nearby.
WIDTH_FACTOR = 3
#: Lines of leeway on top of WIDTH_FACTOR × span, so a one-line flaw can still be named by a
#: finding that takes in its function's signature or a few lines of context.
WIDTH_SLACK = 5


@dataclass(frozen=True, kw_only=True)
class FlawTarget:
    """A seeded flaw as review matching sees it."""

    id: str
    category: str
    locations: tuple[Location, ...]
    """Its parseable locations; an unparseable one matches nothing."""

    def lines_in(self, path: str) -> frozenset[int]:
        """The line numbers the flaw's locations cover in ``path``."""
        return frozenset(
            n for loc in self.locations if loc.path == path for n in range(loc.start, loc.end + 1)
        )


def _locations(texts: Sequence[str]) -> tuple[Location, ...]:
    out = []
    for text in texts:
        try:
            out.append(parse_location(text))
        except ValueError:
            continue
    return tuple(out)


def _inside(finding: ReviewFinding, lines: frozenset[int]) -> int:
    """How many of the finding's lines are among ``lines``."""
    return sum(finding.start <= n <= finding.end for n in lines)


def _by_overlap(finding: ReviewFinding, flaws: Sequence[FlawTarget]) -> str | None:
    """Rule 1: the flaw the finding credits by its lines, if any."""
    width = finding.end - finding.start + 1
    best: tuple[int, bool, int] | None = None
    best_id = None
    for order, flaw in enumerate(flaws):
        lines = flaw.lines_in(finding.path)
        inside = _inside(finding, lines)
        if not inside or width > WIDTH_FACTOR * len(lines) + WIDTH_SLACK:
            continue
        # The finding's width is the same for every flaw, so `inside` ranks by share.
        key = (inside, flaw.category == finding.category.lower(), -order)
        if best is None or key > best:
            best, best_id = key, flaw.id
    return best_id


def match_findings(
    findings: Sequence[ReviewFinding], flaws: Sequence[FlawTarget]
) -> list[str | None]:
    """The flaw each finding credits (``None``: none), by the rules in the module docstring."""
    credited = [_by_overlap(finding, flaws) for finding in findings]
    named = {fid for fid in credited if fid is not None}
    for i, finding in enumerate(findings):
        if any(_inside(finding, flaw.lines_in(finding.path)) for flaw in flaws):
            continue
        same = [
            flaw
            for flaw in flaws
            if flaw.category == finding.category.lower() and flaw.lines_in(finding.path)
        ]
        if len(same) == 1 and same[0].id not in named:
            credited[i] = same[0].id
            named.add(same[0].id)
    return credited


@grader("review")
def grade_review(ctx: GradeContext) -> GraderOutput:
    findings, notes = parse_review(ctx.review_text)
    manifest = ctx.scenario.manifest
    flaws = [
        FlawTarget(id=f.id, category=f.category.value, locations=_locations(f.locations))
        for f in manifest.flaws
    ]
    credited = match_findings(findings, flaws)
    named = {f.id: f.id in credited for f in manifest.flaws}
    matched = sum(fid is not None for fid in credited)
    named_count = sum(named.values())
    unmatched = len(findings) - matched
    false_alarms = []
    for finding, fid in zip(findings, credited, strict=True):
        if fid is not None:
            continue
        for keep in manifest.keeps:
            if any(loc.overlaps(finding) for loc in _locations(keep.locations)):
                false_alarms.append(
                    f"{finding.path}:{finding.start}-{finding.end} points at kept work ({keep.id})"
                )
                break
    count = len(manifest.flaws)
    return GraderOutput(
        section=Review(
            findings=len(findings),
            named=named,
            recall=sum(named.values()) / count if count else 0.0,
            precision=named_count / (named_count + unmatched) if findings else 0.0,
            matched=matched,
            false_alarms=tuple(false_alarms),
            notes=tuple(notes),
        )
    )
