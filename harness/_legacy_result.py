"""Reading results stored by dsim 0.1.0 (schema 1: untyped dicts, findings as sentences).

This is the one place that reads the wording of a finding, and only to give history a code: a
0.1.0 result's ``void`` flag was stored with it and is kept as stored, so no verdict of an old
result changes here. New results carry codes from the moment they are made.
"""

from __future__ import annotations

import re
from typing import Any

#: (pattern on the 0.1.0 wording, code). First match wins; anything else becomes ``legacy``.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^pytest internals were modified", "internals-modified"),
    (r"^plugins were registered", "plugin-registered"),
    (r"^hook implementations changed", "hooks-changed"),
    (r"^note: .*atexit", "atexit-added"),
    (r"^the session never started", "session-not-started"),
    (r"^the session never finished", "session-not-finished"),
    (r"^threads started by code under test", "threads-left-running"),
    (r"^the JUnit file could not be read", "junit-unreadable"),
    (r"^more than one result report", "multiple-reports"),
    (r"^the result report was corrupted", "report-corrupted"),
    (r"^the test process ended before reporting", "ended-early"),
    (r"killed for exceeding the memory limit", "memory-killed"),
    (r"^pytest did not finish", "pytest-crashed"),
    (r"^JUnit results rejected", "junit-rejected"),
    (r"^JUnit lists a test pytest never ran", "junit-forged"),
    (r"JUnit says passed but pytest reported", "outcome-forged"),
    (r"^collection error in ", "collection-error"),
    (r"ran but is missing from JUnit", "missing-from-junit"),
    (r"^canary tests had the wrong outcome", "canary-wrong"),
    (r"^pytest exit code .* disagrees", "exit-code-mismatch"),
    (r"^unexpected test ", "unexpected-test"),
    (r"was skipped or marked xfail", "skipped-test"),
    (r"a visible test was edited", "visible-test-edited"),
    (r"is a symlink and was not applied", "symlink"),
    (r"is a binary change and was not applied", "binary"),
    (r"escapes", "path-escape"),
    (r"; not applied$", "protected-path"),
)


def code_of(message: str) -> str:
    """The code a 0.1.0 finding sentence stands for."""
    for pattern, code in _PATTERNS:
        if re.search(pattern, message):
            return code
    return "legacy"


def _finding(message: str) -> dict[str, str]:
    text = message.removeprefix("note: ") if message.startswith("note: ") else message
    return {"code": code_of(message), "message": text}


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """A schema-1 result as schema-2 data (validated by the caller)."""
    sections = data.get("sections") or {}
    status = data.get("status", "graded")
    if status == "error":  # the in-memory name 0.1.0 used for the same thing
        status = "errored"
    messages = [*data.get("integrity", []), *data.get("notes", [])]
    findings = [_finding(m) for m in dict.fromkeys(messages)]
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
