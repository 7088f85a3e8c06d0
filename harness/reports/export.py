"""Exports for other tools: JSON (the exchange file), CSV (one row per candidate × dimension) and
JUnit XML (one testsuite per graded submission, one testcase per flaw or keep).

Every format is produced from :func:`harness.scoring.posterior.score_all`'s result, so exports
agree with ``dsim score`` and the reports: overrides applied, excluded evidence left out.
docs/export-format.md describes each format.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from enum import StrEnum

from harness.result import ItemResult, Outcome, Verdict
from harness.scoring.posterior import CandidateScore, GradedSubmission
from harness.scoring.profile import DIMENSIONS
from harness.store import Store

#: Columns of the CSV export, in order.
CSV_COLUMNS = (
    "candidate",
    "dimension",
    "mean",
    "low",
    "high",
    "successes",
    "failures",
    "basis",
    "delivery_share",
    "scenarios",
    "percentile",
    "cohort_size",
    "delivery_disagrees",
)

# XML 1.0 forbids most control characters; pytest messages can carry ANSI colour codes.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Format(StrEnum):
    """What ``dsim export --format`` writes."""

    JSON = "json"
    CSV = "csv"
    JUNIT = "junit"


def export_csv(scores: Iterable[CandidateScore]) -> str:
    """One row per candidate × dimension (the five dimensions, then ``overall``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in sorted(scores, key=lambda s: s.candidate):
        for name in (*DIMENSIONS, "overall"):
            d = s.overall if name == "overall" else s.dimensions[name]
            writer.writerow(
                [
                    s.candidate,
                    name,
                    f"{d.mean:.6f}",
                    f"{d.low:.6f}",
                    f"{d.high:.6f}",
                    "" if name == "overall" else f"{d.successes:.6f}",
                    "" if name == "overall" else f"{d.failures:.6f}",
                    s.basis,
                    f"{s.delivery_share:.6f}",
                    ";".join(s.scenarios),
                    "" if s.percentile is None else s.percentile,
                    s.cohort_size,
                    # per dimension: delivery records disagree with the simulation (the row
                    # follows the records); on the overall row, every dimension that does
                    (name in s.conflicts) if name != "overall" else ";".join(s.conflicts),
                ]
            )
    return out.getvalue()


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _failure_text(graded: GradedSubmission, item: ItemResult) -> str:
    hidden = graded.result.hidden
    tests = hidden.tests if hidden is not None else {}
    lines = []
    for test in item.tests:
        info = tests.get(test)
        outcome = info.outcome if info is not None else Outcome.MISSING
        if outcome != Outcome.PASSED:
            lines.append(f"{test}: {outcome}\n{info.message if info else ''}".rstrip())
    return "\n\n".join(lines)


def export_junit(scores: Iterable[CandidateScore]) -> str:
    """JUnit XML: a testsuite per graded submission; not fixed / lost items are failures."""
    from junitparser import Failure, JUnitXml, Skipped, TestCase, TestSuite

    xml = JUnitXml("dsim")
    for s in sorted(scores, key=lambda s: s.candidate):
        for g in sorted(s.graded, key=lambda g: (g.scenario, g.version)):
            suite = TestSuite(_xml(f"{g.candidate} / {g.scenario}@{g.version}"))
            suite.timestamp = g.submitted_at.isoformat()
            reg = g.result.regression
            for key, value in (
                ("candidate", g.candidate),
                ("scenario", g.scenario),
                ("version", g.version),
                ("submission", g.submission_id),
                ("regression", f"{reg.passed}/{reg.total}"),
                ("integrity_findings", str(len(g.result.integrity))),
            ):
                suite.add_property(key, _xml(value))
            for item in g.result.items:
                case = TestCase(_xml(item.id), _xml(f"{g.scenario}.{item.kind}s"))
                verdict = item.verdict
                if verdict == Verdict.FLAKY:
                    case.result = [Skipped("rests on a flaky test; not scored")]
                elif not verdict.success:
                    overridden = (
                        f" (override; graded {item.original_verdict})"
                        if item.original_verdict
                        else ""
                    )
                    failure = Failure(
                        _xml(f"{item.kind} {verdict.replace('_', ' ')}: {item.title}{overridden}"),
                        verdict.value,
                    )
                    detail = _xml(_failure_text(g, item))
                    if detail:
                        failure.text = detail
                    case.result = [failure]
                suite.add_testcase(case)
            xml.add_testsuite(suite)
    text: bytes = xml.tostring()  # type: ignore[no-untyped-call]  # junitparser is untyped
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text.decode("utf-8") + "\n"


def export(
    store: Store, scores: dict[str, CandidateScore], fmt: Format, *, candidate: str | None = None
) -> str:
    """The text of one export; ``candidate`` narrows it to one candidate."""
    from harness.errors import NotFound
    from harness.store.exchange import export_json

    if candidate is not None and candidate not in scores:
        raise NotFound(
            f"no graded work or delivery records for {candidate!r}",
            hint="`dsim results` lists candidates",
        )
    chosen = [s for name, s in scores.items() if candidate is None or name == candidate]
    if fmt is Format.JSON:
        return export_json(store, chosen, candidate=candidate)
    if fmt is Format.CSV:
        return export_csv(chosen)
    return export_junit(chosen)
