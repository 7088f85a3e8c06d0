"""The REVIEW.md format: one finding per line, ``- path:START-END [category] sentence``.

Lines that do not match are free text. Parsing never fails: a malformed finding line is reported
back as a note so the engineer can fix it before submitting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.scenarios.manifest import Category

_FINDING = re.compile(
    r"^\s*[-*]\s+`?(?P<path>[^\s:`]+):(?P<start>\d+)(?:-(?P<end>\d+))?`?\s+"
    r"\[(?P<category>[a-z-]+)\]\s*(?P<text>.*)$"
)
_LOOKS_LIKE_FINDING = re.compile(r"^\s*[-*]\s+`?[\w./-]+\.\w+:")

TEMPLATE = """\
# Review notes

List every problem you found in the AI assistant's change, one per line, in this form:

    - path/to/file.py:START-END [category] One sentence: what is wrong and why it matters.

Categories: correctness, security, reliability, performance, test-quality, maintainability.
Use the line numbers of the code as you received it. Free text below the findings is welcome:
what you kept, what you threw away, and why.

## Findings

## Notes
"""


@dataclass(frozen=True, kw_only=True)
class ReviewFinding:
    """One problem the engineer reported."""

    path: str
    start: int
    end: int
    category: str
    text: str


def parse_review(text: str) -> tuple[list[ReviewFinding], list[str]]:
    """Findings in a REVIEW.md, and notes about lines that look like findings but do not parse."""
    findings: list[ReviewFinding] = []
    notes: list[str] = []
    categories = {c.value for c in Category}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _FINDING.match(line)
        if match:
            start = int(match["start"])
            end = int(match["end"] or start)
            if match["category"] not in categories:
                notes.append(
                    f"REVIEW.md line {number}: unknown category "
                    f"[{match['category']}] (use one of {', '.join(sorted(categories))})"
                )
                continue
            findings.append(
                ReviewFinding(
                    path=match["path"],
                    start=min(start, end),
                    end=max(start, end),
                    category=match["category"],
                    text=match["text"].strip(),
                )
            )
        elif _LOOKS_LIKE_FINDING.match(line):
            notes.append(
                f"REVIEW.md line {number}: looks like a finding but does not follow "
                "`- path:START-END [category] sentence`"
            )
    return findings, notes
