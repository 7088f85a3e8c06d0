"""The ``review`` grader: REVIEW.md findings matched to the seeded flaws' locations.

A finding matches a flaw when it names the same file and overlapping lines, or — when it overlaps
no flaw — the same file and category as exactly one flaw. Recall = flaws named / flaws;
precision = findings that name a flaw / findings. A finding that points at a keep's code (and at
no flaw) is a false alarm.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def _locations(texts: Sequence[str]) -> list[Location]:
    out = []
    for text in texts:
        try:
            out.append(parse_location(text))
        except ValueError:
            continue
    return out


def named_flaws(finding: ReviewFinding, flaws: list[tuple[str, str, list[Location]]]) -> set[str]:
    """Flaws a finding names: those whose lines it overlaps; failing that, the one flaw (if only
    one) in the same file with the same category — so one vague finding cannot claim several."""
    overlapping = {fid for fid, _, locs in flaws if any(loc.overlaps(finding) for loc in locs)}
    if overlapping:
        return overlapping
    same = {
        fid
        for fid, category, locs in flaws
        if category == finding.category and any(loc.path == finding.path for loc in locs)
    }
    return same if len(same) == 1 else set()


@grader("review")
def grade_review(ctx: GradeContext) -> GraderOutput:
    findings, notes = parse_review(ctx.review_text)
    manifest = ctx.scenario.manifest
    flaws = [(f.id, f.category.value, _locations(f.locations)) for f in manifest.flaws]
    named = {f.id: False for f in manifest.flaws}
    matched_findings = set()
    for i, finding in enumerate(findings):
        for fid in named_flaws(finding, flaws):
            named[fid] = True
            matched_findings.add(i)
    false_alarms = []
    for i, finding in enumerate(findings):
        if i in matched_findings:
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
            precision=len(matched_findings) / len(findings) if findings else 0.0,
            matched=len(matched_findings),
            false_alarms=tuple(false_alarms),
            notes=tuple(notes),
        )
    )
