"""The REVIEW.md format: one finding per line, ``- path:START-END [category] sentence``.

Lines that do not match are free text. Checking never fails: a line that looks like a finding but
does not parse is a :class:`ReviewProblem` (its line, its text, and how to write it instead), and an
empty review or the untouched template is a warning. ``dsim submit`` shows both; the review
grader keeps the problems as notes. Categories are matched case-insensitively and kept lowercase.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from harness.scenarios.manifest import Category

FORMAT = "- path:START-END [category] sentence"
CATEGORIES = tuple(c.value for c in Category)

_FINDING = re.compile(
    r"^\s*[-*]\s+`?(?P<path>[^\s:`]+):(?P<start>\d{1,9})(?:-(?P<end>\d{1,9}))?`?\s+"
    r"\[(?P<category>[^\]]+)\]\s*(?P<text>.*)$"
)
# Looser pieces, to say what is wrong with a line _FINDING does not match.
_ITEM = re.compile(r"^\s*(?P<bullet>[-*+]|\d+[.)])?\s*(?P<rest>.*)$")
_PATH = re.compile(r"^`?(?P<path>[\w.-]*(?:/[\w.-]+)+|[\w.-]+\.[A-Za-z]\w*)(?P<glued>[^\s\[]*)")
_LINES = re.compile(r"^:\d{1,9}(?:-\d{1,9})?`?$")
_SPACED_RANGE = re.compile(r"^\s*(?:-|–|—|to)\s*\d")
# Line numbers written some other way right after the path: "line 37", "#L37", "`:4 - 6", "(L4)".
_LINES_ELSEWISE = re.compile(
    r"^`?\s*(?:(?:[:#(]\s*)(?:lines?\s*|L)?|lines?\s*|L)(?P<start>\d{1,9})"
    r"(?:\s*(?:-|–|—|to|\.\.)\s*L?(?P<end>\d{1,9}))?",
    re.IGNORECASE,
)
_TAG = re.compile(r"\[(?P<tag>[^\]]{1,40})\]")
_CHECKBOX = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[[ xX]\]")
_MENTIONS_LINES = re.compile(r"(?:^|\s)(?:lines?\s*\d|L\d|:\d)", re.IGNORECASE)

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
#: The template's own example line: an illustration, never a finding or a problem.
_EXAMPLE = next(line.strip() for line in TEMPLATE.splitlines() if line.strip().startswith("- "))


@dataclass(frozen=True, kw_only=True)
class ReviewFinding:
    """One problem the engineer reported."""

    path: str
    start: int
    end: int
    category: str
    """One of :data:`CATEGORIES`, lowercase whatever the engineer typed."""
    text: str


@dataclass(frozen=True, kw_only=True)
class ReviewProblem:
    """A REVIEW.md line that looks like a finding but does not parse."""

    line: int
    """1-based line number in REVIEW.md."""
    text: str
    """The line as written."""
    why: str
    """What is wrong with it and how to write it instead."""

    @property
    def note(self) -> str:
        """The problem as one sentence naming its line (the review grader's notes)."""
        return f"REVIEW.md line {self.line}: {self.why}"


@dataclass(frozen=True, kw_only=True)
class ReviewCheck:
    """Everything a REVIEW.md says, and everything wrong with how it says it."""

    findings: tuple[ReviewFinding, ...]
    problems: tuple[ReviewProblem, ...] = ()
    warning: str = ""
    """Set when the review is empty or still the untouched template."""


def check_review(text: str) -> ReviewCheck:
    """Parse a REVIEW.md: its findings, the lines that look like findings but do not parse, and a
    warning when there is nothing to grade."""
    findings: list[ReviewFinding] = []
    problems: list[ReviewProblem] = []
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        match = _FINDING.match(line)
        category = _category(match["category"]) if match else None
        if match and category:
            start, end = int(match["start"]), int(match["end"] or match["start"])
            findings.append(
                ReviewFinding(
                    path=match["path"],
                    start=min(start, end),
                    end=max(start, end),
                    category=category,
                    text=match["text"].strip(),
                )
            )
            continue
        why = _unknown_category(match["category"]) if match else _diagnose(line)
        if why:
            problems.append(ReviewProblem(line=number, text=line.strip(), why=why))
    return ReviewCheck(findings=tuple(findings), problems=tuple(problems), warning=_warning(text))


def parse_review(text: str) -> tuple[list[ReviewFinding], list[str]]:
    """Findings in a REVIEW.md, and notes about lines that look like findings but do not parse."""
    check = check_review(text)
    return list(check.findings), [p.note for p in check.problems]


def _category(written: str) -> str | None:
    category = written.strip().lower()
    return category if category in CATEGORIES else None


def _unknown_category(written: str) -> str:
    written = written.strip()
    lowered = written.lower()
    close = [c for c in CATEGORIES if c.startswith(lowered)] or difflib.get_close_matches(
        lowered.replace("_", "-").replace(" ", "-"), CATEGORIES, n=1, cutoff=0.6
    )
    guess = f"did you mean [{close[0]}]? " if len(close) == 1 else ""
    return f"unknown category [{written}] ({guess}use one of {', '.join(CATEGORIES)})"


def _diagnose(line: str) -> str | None:
    """What keeps ``line`` from being a finding, with the fix; None when it is free text."""
    if line.strip() == _EXAMPLE or _CHECKBOX.match(line):
        return None
    item = _ITEM.match(line)
    assert item is not None  # both groups are optional: every line matches
    bullet, rest = item["bullet"], item["rest"]
    path = _PATH.match(rest)
    after = rest[path.end() :] if path else rest
    tags = [m["tag"] for m in _TAG.finditer(after)]
    if path:
        glued = path["glued"]
        looks_like = bool(_LINES.match(glued)) or (
            bool(bullet)
            and (
                glued.lstrip("`").startswith((":", "#"))
                or bool(tags)
                or bool(_LINES_ELSEWISE.match(after))
            )
        )
    else:
        known = any(_category(tag) for tag in tags)
        looks_like = bool(bullet) and (known or (bool(tags) and bool(_MENTIONS_LINES.search(rest))))
    if not looks_like:
        return None
    slips: list[str] = []
    if bullet not in ("-", "*"):
        slips.append("start the line with `- `")
    location_ok = False
    if path is None:
        slips.append("the file's path is missing: start with `- path/to/file.py:LINE`")
    else:
        location_ok = bool(_LINES.match(path["glued"])) and not _SPACED_RANGE.match(after)
        if not location_ok:
            slips.append(_location_slip(path["path"], path["glued"] + after))
    slips += _category_slips(after, tags, placement=location_ok)
    if not slips:
        slips.append("put one space between the location, the [category] and the sentence")
    return f"does not follow `{FORMAT}`: " + "; ".join(slips)


def _location_slip(path: str, following: str) -> str:
    written = _LINES_ELSEWISE.match(following)
    if written:
        lines = written["start"] + (f"-{written['end']}" if written["end"] else "")
        return f"write the location as {path}:{lines}"
    return f"the line numbers are missing: write {path}:LINE or {path}:START-END"


def _category_slips(after: str, tags: list[str], *, placement: bool) -> list[str]:
    known = [tag for tag in tags if _category(tag)]
    if not tags:
        listed = ", ".join(CATEGORIES)
        return [f"the category is missing: add [category] after the line numbers, one of {listed}"]
    if not known:
        return [_unknown_category(tags[0])]
    before_tag = after[: after.find(f"[{known[0]}]")]
    if placement and before_tag.strip(" `"):
        return [f"put [{_category(known[0])}] right after the location"]
    return []


def _warning(text: str) -> str:
    if not text.strip():
        return "REVIEW.md is empty: list each problem you found as `" + FORMAT + "`"
    if _normalised(text) == _normalised(TEMPLATE):
        return "REVIEW.md is still the template: add your findings under ## Findings"
    return ""


def _normalised(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())
