"""Reading results stored by dsim 0.1.0 (schema 1: untyped dicts, findings as sentences).

This is the one place that reads the wording of a finding, and only to give history a code: a
0.1.0 result's ``void`` flag was stored with it and is kept as stored, so no verdict of an old
result changes here. New results carry codes from the moment they are made.
"""

from __future__ import annotations

import re
from typing import Any

#: (pattern on the 0.1.0 wording, code), each anchored where 0.1.0 put its own words, so a path
#: or test id the candidate chose cannot pass for another finding. First match wins.
_INTEGRITY: tuple[tuple[str, str], ...] = (
    (r"^pytest internals were modified: ", "internals-modified"),
    (r"^plugins were registered during the run: ", "plugin-registered"),
    (r"^hook implementations changed during the run$", "hooks-changed"),
    (r"^the session never started$", "session-not-started"),
    (r"^the session never finished normally$", "session-not-finished"),
    (r"^threads started by code under test were still running at the end$", "threads-left-running"),
    (r"^the JUnit file could not be read: ", "junit-unreadable"),
    (r"^more than one result report was written \(forgery attempt\)$", "multiple-reports"),
    (r"^the result report was corrupted$", "report-corrupted"),
    (
        r"^the test process ended before reporting \(exit code -?\d+\): os\._exit, a crash or a "
        r"kill in code under test$",
        "ended-early",
    ),
    (r"^a process of the run was killed for exceeding the memory limit$", "memory-killed"),
    (r"^pytest did not finish: ", "pytest-crashed"),
    (r"^JUnit results rejected: ", "junit-rejected"),
    (
        r"^canary tests had the wrong outcome: the test process was tampered with; this run's "
        r"verdicts are void$",
        "canary-wrong",
    ),
    (
        r"^pytest exit code -?\d+ disagrees with the results \(a must-fail canary ran, so it must "
        r"be 1\)$",
        "exit-code-mismatch",
    ),
    (r"^JUnit lists a test pytest never ran: .* \(forged results\)$", "junit-forged"),
    (r": JUnit says passed but pytest reported \{[^{}]*\} \(forged results\)$", "outcome-forged"),
    (r"^collection error in .*: its tests did not run$", "collection-error"),
    (r"^collection error in .* \(not in JUnit\)$", "collection-error"),
    (r" ran but is missing from JUnit$", "missing-from-junit"),
    (r"^unexpected test .* \(not in the scenario lock\)$", "unexpected-test"),
    (r" was skipped or marked xfail during the run; counted as failed$", "skipped-test"),
    (r" is a symlink and was not applied$", "symlink"),
    (r" is a binary change and was not applied$", "binary"),
    (r": path escapes the tree; not applied$", "path-escape"),
    (r"; not applied$", "protected-path"),
)
_NOTES: tuple[tuple[str, str], ...] = (
    (
        r"^note: \d+ atexit hook\(s\) added during the run \(never run: the runner leaves with "
        r"os\._exit\)$",
        "atexit-added",
    ),
    (
        r": a visible test was edited; graded with the version the engineer received$",
        "visible-test-edited",
    ),
)


def code_of(message: str, *, note: bool = False) -> str:
    """The code a 0.1.0 finding sentence stands for. Integrity sentences only ever get
    integrity or void codes, notes only note codes: the list 0.1.0 kept a sentence in decides
    its disposition, the wording only which code of that kind."""
    for pattern, code in _NOTES if note else _INTEGRITY:
        if re.search(pattern, message):
            return code
    return "legacy-note" if note else "legacy"


def _findings(data: dict[str, Any]) -> list[dict[str, str]]:
    out, seen = [], set()
    for note, messages in ((False, data.get("integrity", [])), (True, data.get("notes", []))):
        for message in messages:
            if message in seen:  # 0.1.0 listed submit-time refusals in both lists
                continue
            seen.add(message)
            out.append(
                {"code": code_of(message, note=note), "message": message.removeprefix("note: ")}
            )
    return out


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """A schema-1 result as schema-2 data (validated by the caller)."""
    sections = data.get("sections") or {}
    status = data.get("status", "graded")
    if status == "error":  # the in-memory name 0.1.0 used for the same thing
        status = "errored"
    findings = _findings(data)
    error = data.get("error", "")
    if status == "errored" and not error and data.get("notes"):
        error = data["notes"][0]
        findings = [{"code": "patch-failed", "message": error}]
    items = []
    for item in data.get("items", []):
        out = {
            k: item[k]
            for k in ("id", "kind", "title", "verdict", "tests", "category", "severity")
            if k in item
        }
        detail = item.get("detail")
        if detail is not None:
            out["strength"] = {
                "passes_on_reference": bool(detail.get("passes_on_reference")),
                "mutants": dict(detail.get("mutants", {})),
            }
        items.append(out)
    hidden = sections.get("hidden-tests")
    upgraded: dict[str, Any] = {
        "schema": 2,
        "status": status,
        "void": bool(data.get("void", False)),
        "items": items,
        "regression": data.get("regression") or {},
        "findings": findings,
        "runs": int(data.get("runs", 0)),
        "timings": data.get("timings") or {},
        "error": error,
        "review": sections.get("review"),
        "scope": sections.get("scope"),
    }
    if hidden is not None:
        upgraded["hidden"] = {
            k: hidden[k]
            for k in ("status", "void", "tests", "runs", "output", "timings")
            if k in hidden
        }
    return upgraded
