"""The ``review`` grader: REVIEW.md findings matched to the seeded flaws' locations.

A finding matches a flaw when it names the same file and overlapping lines, or the same file and
the same category. Recall = flaws named / flaws; precision = findings that name a flaw / findings.
A finding that points at a keep's code (and at no flaw) is a false alarm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graders import grader
from harness import review
from harness.review import Finding, Location, parse_location

if TYPE_CHECKING:
    from harness.grading import GradeContext


def _locations(texts: tuple[str, ...]) -> list[Location]:
    out = []
    for text in texts:
        try:
            out.append(parse_location(text))
        except ValueError:
            continue
    return out


def names_flaw(finding: Finding, locations: list[Location], category: str) -> bool:
    return any(loc.overlaps(finding) or (loc.path == finding.path and finding.category == category)
               for loc in locations)


@grader("review")
def grade_review(ctx: GradeContext) -> dict[str, Any]:
    findings, notes = review.parse(ctx.review_text)
    manifest = ctx.scenario.manifest
    named: dict[str, bool] = {}
    matched_findings = set()
    for flaw in manifest.flaws:
        locations = _locations(flaw.locations)
        hits = [i for i, f in enumerate(findings) if names_flaw(f, locations, flaw.category.value)]
        named[flaw.id] = bool(hits)
        matched_findings.update(hits)
    false_alarms = []
    for i, finding in enumerate(findings):
        if i in matched_findings:
            continue
        for keep in manifest.keeps:
            if any(loc.overlaps(finding) for loc in _locations(keep.locations)):
                false_alarms.append(f"{finding.path}:{finding.start}-{finding.end} "
                                    f"points at kept work ({keep.id})")
                break
    flaws = len(manifest.flaws)
    return {
        "findings": len(findings),
        "named": named,
        "recall": sum(named.values()) / flaws if flaws else 0.0,
        "precision": len(matched_findings) / len(findings) if findings else 0.0,
        "matched": len(matched_findings),
        "false_alarms": false_alarms,
        "notes": notes,
    }
