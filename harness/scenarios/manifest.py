"""Typed, frozen models of ``scenario.toml`` (the scenario manifest).

Parsing never stops at the first problem: :func:`parse_manifest` returns the model *and* the full
list of problems, each with the key, the line in the file and a hint, so an author fixes everything
in one pass. Every key is documented in docs/scenario-format.md.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

SCHEMA_VERSION = 1
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"


class Severity(StrEnum):
    """How bad a validation problem is."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One thing wrong with a scenario."""

    file: str
    """File the problem is in, relative to the scenario folder."""
    where: str
    """Key path, hunk or line ("flaws[1].tests", "hunk 2 of src/a.py")."""
    what: str
    """What is wrong, with a hint on how to fix it."""
    line: int | None = None
    """1-based line in ``file`` when known."""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        at = f"{self.file}:{self.line}" if self.line else self.file
        where = f" [{self.where}]" if self.where else ""
        return f"{at}{where}: {self.what}"


class Difficulty(StrEnum):
    INTRO = "intro"
    MEDIUM = "medium"
    HARD = "hard"


class Category(StrEnum):
    CORRECTNESS = "correctness"
    SECURITY = "security"
    RELIABILITY = "reliability"
    PERFORMANCE = "performance"
    TEST_QUALITY = "test-quality"
    MAINTAINABILITY = "maintainability"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


Selector = Annotated[StrictStr, Field(min_length=1)]
ItemId = Annotated[StrictStr, Field(pattern=ID_PATTERN)]


class AI(_Model):
    """The AI assistant's change and its conversation."""

    patch: StrictStr = "ai/change.patch"
    transcript: StrictStr = "ai/transcript.md"


class Reference(_Model):
    """A correct resolution, diffed against repo + AI change."""

    patch: StrictStr = "reference/fix.patch"
    review: StrictStr = "reference/REVIEW.md"


class Runtime(_Model):
    """Limits and requirements of the grading container."""

    requirements: tuple[StrictStr, ...] = ()
    timeout_seconds: StrictInt = Field(default=120, ge=1, le=3600)
    memory_mb: StrictInt = Field(default=512, ge=64, le=8192)
    cpus: float = Field(default=1.0, gt=0, le=16)
    pids: StrictInt = Field(default=128, ge=16, le=4096)
    test_timeout_seconds: StrictInt = Field(default=10, ge=1, le=600)
    """Per-test limit: a test that runs longer fails alone (outcome ``timeout``) and the rest of
    the run goes on; ``timeout_seconds`` still bounds the whole run."""

    @model_validator(mode="after")
    def _test_limit_within_run_limit(self) -> Runtime:
        if self.test_timeout_seconds > self.timeout_seconds:
            raise ValueError(
                f"test_timeout_seconds ({self.test_timeout_seconds}) is longer than "
                f"timeout_seconds ({self.timeout_seconds}), which bounds the whole run"
            )
        return self

    @field_validator("requirements")
    @classmethod
    def _pinned(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for req in value:
            if not re.fullmatch(r"[A-Za-z0-9_.\-\[\],]+==[A-Za-z0-9_.+\-]+", req):
                raise ValueError(f"requirement {req!r} must be pinned as name==version")
        return value


class Flaw(_Model):
    """A seeded defect in the AI change."""

    id: ItemId
    title: StrictStr = Field(min_length=1)
    category: Category
    severity: StrictInt = Field(ge=1, le=3)
    locations: tuple[StrictStr, ...] = Field(min_length=1)
    tests: tuple[Selector, ...] = Field(min_length=1)
    grader: StrictStr = "hidden-tests"
    mutants: tuple[StrictStr, ...] = ()
    explanation: StrictStr = ""


class Keep(_Model):
    """A correct part of the AI change that should survive."""

    id: ItemId
    title: StrictStr = Field(min_length=1)
    tests: tuple[Selector, ...] = Field(min_length=1)
    locations: tuple[StrictStr, ...] = ()


class Regression(_Model):
    """Behaviour that worked before and must still work."""

    tests: tuple[Selector, ...] = ()


VariableValue = StrictStr | StrictInt | StrictFloat | StrictBool


class Manifest(_Model):
    """The whole ``scenario.toml``."""

    schema_: StrictInt = Field(alias="schema")
    id: StrictStr = Field(pattern=ID_PATTERN)
    title: StrictStr = Field(min_length=1)
    version: StrictStr = Field(pattern=r"^\d+\.\d+\.\d+$")
    summary: StrictStr = ""
    domain: StrictStr = ""
    difficulty: Difficulty
    time_budget_minutes: StrictInt = Field(ge=5, le=240)
    skills: tuple[StrictStr, ...] = ()
    editable: tuple[StrictStr, ...] = Field(min_length=1)
    ai: AI = AI()
    reference: Reference = Reference()
    runtime: Runtime = Runtime()
    flaws: tuple[Flaw, ...] = Field(min_length=1)
    keeps: tuple[Keep, ...] = Field(min_length=1)
    regression: Regression = Regression()
    variables: dict[StrictStr, tuple[VariableValue, ...]] = Field(default_factory=dict)

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, populate_by_name=True)

    @field_validator("schema_")
    @classmethod
    def _schema(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"schema {value} is not supported; this dsim reads schema 1")
        return value

    @field_validator("variables")
    @classmethod
    def _non_empty(cls, value: dict[str, tuple[VariableValue, ...]]) -> dict[str, Any]:
        for name, values in value.items():
            if not values:
                raise ValueError(f"variable {name!r} needs at least one value")
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise ValueError(f"variable name {name!r} is not a valid identifier")
        return value

    def hidden_test_selectors(self) -> list[str]:
        """Every selector the hidden-tests grader runs (flaws it grades, keeps, regression)."""
        out = [s for f in self.flaws if f.grader == "hidden-tests" for s in f.tests]
        out += [s for k in self.keeps for s in k.tests] + list(self.regression.tests)
        return list(dict.fromkeys(out))

    def item_ids(self) -> list[str]:
        """Ids of every flaw and keep, in manifest order."""
        return [f.id for f in self.flaws] + [k.id for k in self.keeps]


_HINTS = {
    "missing": "add this key (see docs/scenario-format.md)",
    "extra_forbidden": "unknown key: remove it or check its spelling against "
    "docs/scenario-format.md",
}


def _loc_text(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + ("schema" if part == "schema_" else str(part))
    return out


def _line_of(text: str, loc: tuple[int | str, ...]) -> int | None:
    """Best-effort line number of a key path in TOML text (tomllib keeps no positions)."""
    lines = text.splitlines()
    start = 0
    keys = [("schema" if p == "schema_" else p) for p in loc]
    if len(keys) >= 2 and isinstance(keys[0], str) and isinstance(keys[1], int):
        table, index = keys[0], keys[1]
        seen = -1
        for n, line in enumerate(lines):
            if line.strip() == f"[[{table}]]":
                seen += 1
                if seen == index:
                    start = n
                    break
        keys = keys[2:]
        if not keys:
            return start + 1
    elif keys and isinstance(keys[0], str) and len(keys) >= 2:
        for n, line in enumerate(lines):
            if line.strip() == f"[{keys[0]}]":
                start = n
                keys = keys[1:]
                break
    key = next((k for k in keys if isinstance(k, str)), None)
    if key is None:
        return start + 1 if start else None
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for n in range(start, len(lines)):
        if pattern.match(lines[n]):
            return n + 1
    return start + 1 if start else None


def parse_manifest(path: Path) -> tuple[Manifest | None, list[Problem]]:
    """Parse ``scenario.toml``; return the model (when valid) and every problem found."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [
            Problem(
                file=name,
                where="",
                what="missing: every scenario needs a "
                "scenario.toml manifest (dsim scenario new ID writes one)",
            )
        ]
    except UnicodeDecodeError as exc:
        return None, [Problem(file=name, where="", what=f"not UTF-8 text ({exc.reason})")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        return None, [
            Problem(
                file=name,
                where="",
                line=int(match.group(1)) if match else None,
                what=f"not valid TOML: {exc}",
            )
        ]
    try:
        return Manifest.model_validate(data), []
    except ValidationError as exc:
        problems = []
        errors = exc.errors()
        failing = {tuple(e["loc"]) for e in errors}
        for err in errors:
            loc = tuple(err["loc"])
            if err["type"] == "too_short" and any(
                other[: len(loc)] == loc and other != loc for other in failing
            ):
                continue  # a list emptied by its own failing items: those items are reported
            hint = _HINTS.get(err["type"], "")
            what = err["msg"] if not hint else f"{err['msg']}: {hint}"
            if (
                err["type"] not in _HINTS
                and "input" in err
                and not isinstance(err["input"], dict | list)
            ):
                what += f" (got {err['input']!r})"
            problems.append(
                Problem(file=name, where=_loc_text(loc), what=what, line=_line_of(text, loc))
            )
        return None, problems
