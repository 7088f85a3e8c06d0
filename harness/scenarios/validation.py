"""``dsim scenario validate``: every problem with a scenario, at once, without running anything.

Checks the manifest, the files it names, ids, selectors, locations, that every patch applies (for
every variant) and that every template renders. Running the tests is ``scenario check``'s job.

Invariant: one call returns every problem it can find. A problem stops only the checks that
need what it broke: a manifest with schema errors is salvaged (failing items dropped, failing
keys defaulted) so the files, patches, selectors and locations it still names are checked; a
missing or broken patch skips only the trees built on it. Every message is one line.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from harness.errors import PatchError
from harness.scenarios import materialize, patches
from harness.scenarios.locations import parse_location
from harness.scenarios.manifest import ID_PATTERN, Manifest, Problem, Severity, parse_manifest
from harness.scenarios.materialize import Values
from harness.scenarios.scenario import BRIEF, MANIFEST, REPO, Scenario
from harness.scenarios.variants import RenderError, all_variants, render_file, render_tree

T = TypeVar("T")

#: Stand-ins for required top-level keys that failed validation, so the rest can be checked.
_STAND_INS: dict[str, Any] = {
    "schema": 1,
    "title": "untitled",
    "version": "0.0.0",
    "difficulty": "intro",
    "time_budget_minutes": 20,
    "editable": ["**"],
}
#: Top-level keys with defaults: a failing one is dropped and its default used.
_OPTIONAL = ("summary", "domain", "skills", "ai", "reference", "runtime", "regression")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _selector_exists(selector: str, hidden: dict[str, bytes], repo: dict[str, bytes]) -> bool:
    path = selector.split("::", 1)[0].rstrip("/")
    if path.startswith("hidden/"):
        files, path = hidden, path[len("hidden/") :]
    else:
        files = repo
    return any(rel == path or rel.startswith(path + "/") for rel in files)


def _salvage(path: Path) -> tuple[Manifest | None, bool]:
    """A stand-in manifest for one with schema errors (those are already reported): failing
    flaws and keeps dropped, failing keys defaulted or stood in for. Returns (manifest or None,
    whether ``variables`` had to be dropped: then templates cannot be checked)."""
    try:
        data = tomllib.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None, False
    dropped_variables = False
    for _ in range(5):
        try:
            return Manifest.model_validate(data), dropped_variables
        except ValidationError as exc:
            data = copy.deepcopy(data)
            gone: dict[str, set[int]] = {"flaws": set(), "keeps": set()}
            for err in exc.errors():
                loc = tuple(err["loc"])
                head = "schema" if loc and loc[0] == "schema_" else (loc[0] if loc else None)
                if err["type"] == "extra_forbidden":
                    parent: Any = data
                    for part in loc[:-1]:
                        parent = parent[part]
                    parent.pop(loc[-1], None)
                elif head in gone and len(loc) > 1 and isinstance(loc[1], int):
                    gone[str(head)].add(loc[1])
                elif head == "id":
                    ok = re.fullmatch(ID_PATTERN, path.name)
                    data["id"] = path.name if ok else "scenario"
                elif head in _STAND_INS:
                    data[str(head)] = _STAND_INS[str(head)]
                elif head in _OPTIONAL or head == "variables":
                    data.pop(str(head), None)
                    dropped_variables |= head == "variables"
                else:
                    return None, dropped_variables
            for table, indexes in gone.items():
                data[table] = [item for n, item in enumerate(data[table]) if n not in indexes]
    return None, dropped_variables


def validate(path: Path) -> list[Problem]:
    """Every problem found in the scenario at ``path`` (empty when it is valid)."""
    manifest, problems = parse_manifest(path / MANIFEST)
    salvaged, no_variables = (manifest, False) if manifest else _salvage(path)
    if not (path / REPO).is_dir():
        problems.append(
            Problem(
                file=REPO,
                where="",
                what="repo/ is missing: it holds the codebase before the AI change",
            )
        )
    if salvaged is None:
        return problems
    scenario = Scenario(path=path, manifest=salvaged)
    problems.extend(_check_manifest(scenario, named=manifest is not None))
    if not no_variables:
        problems.extend(_check_content(scenario))
    return [
        Problem(
            file=p.file, where=p.where, what=_one_line(p.what), line=p.line, severity=p.severity
        )
        for p in problems
    ]


def _check_manifest(scenario: Scenario, *, named: bool) -> list[Problem]:
    """The files the manifest names, ids, graders and variables (no rendering)."""
    problems: list[Problem] = []
    path, manifest = scenario.path, scenario.manifest
    if named and path.name != manifest.id:
        problems.append(
            Problem(
                file=MANIFEST,
                where="id",
                severity=Severity.WARNING,
                what=f"id {manifest.id!r} differs from the folder name "
                f"{path.name!r}; name the folder after the id",
            )
        )
    for rel, key in (
        (BRIEF, "BRIEF.md"),
        (manifest.ai.patch, "ai.patch"),
        (manifest.ai.transcript, "ai.transcript"),
        (manifest.reference.patch, "reference.patch"),
    ):
        if not scenario.file(rel).is_file():
            problems.append(
                Problem(
                    file=MANIFEST, where=key, what=f"{rel} does not exist: create it (or {rel}.j2)"
                )
            )
    ids = manifest.item_ids()
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(
            Problem(
                file=MANIFEST,
                where=f"id {dup}",
                what=f"duplicate flaw/keep id {dup!r}: ids must be unique",
            )
        )
    for name, values in manifest.variables.items():
        if len(values) < 2:
            problems.append(
                Problem(
                    file=MANIFEST,
                    where=f"variables.{name}",
                    severity=Severity.WARNING,
                    what="a variable with one value makes every variant alike",
                )
            )
    for i, flaw in enumerate(manifest.flaws):
        if flaw.grader not in ("hidden-tests", "test-strength"):
            problems.append(
                Problem(
                    file=MANIFEST,
                    where=f"flaws[{i}].grader",
                    what=f"unknown grader {flaw.grader!r}: use hidden-tests or test-strength",
                )
            )
        if flaw.grader == "test-strength" and not flaw.mutants:
            problems.append(
                Problem(
                    file=MANIFEST,
                    where=f"flaws[{i}].mutants",
                    what="a test-strength flaw needs at least one mutant patch",
                )
            )
        for mutant in flaw.mutants:
            if not scenario.file(mutant).is_file():
                problems.append(
                    Problem(
                        file=MANIFEST,
                        where=f"flaws[{i}].mutants",
                        what=f"mutant {mutant} does not exist",
                    )
                )
    return problems


class _Found:
    """Problems collected across variants: one every variant shares is kept once (the first)."""

    def __init__(self) -> None:
        self.problems: dict[tuple[str, str, str], Problem] = {}

    def add(self, problem: Problem, *, per_variant: bool = False) -> None:
        where = "" if per_variant else problem.where
        self.problems.setdefault((problem.file, where, problem.what), problem)

    def attempt(
        self, where: str, hint: str, make: Callable[..., T], *args: Any, file: str
    ) -> T | None:
        """``make(*args)``, or None with the problem recorded when it fails to render or apply."""
        try:
            return make(*args)
        except RenderError as exc:
            what = f"template does not render: {exc.message}"
            self.add(Problem(file=exc.path, where=where, what=what), per_variant=True)
        except PatchError as exc:
            self.add(Problem(file=file, where=where, what=f"{exc} — {hint}"), per_variant=True)
        return None


def _patched(
    tree: dict[str, bytes], scenario: Scenario, rel: str, values: Values
) -> dict[str, bytes]:
    return patches.apply(tree, render_file(scenario, rel, values), source=rel)


def _check_content(scenario: Scenario) -> list[Problem]:
    """Render and patch every variant; check selectors and locations against the trees.

    A tree that cannot be built skips only the checks that need it.
    """
    found = _Found()
    m = scenario.manifest
    exists = scenario.file
    for values in all_variants(scenario):
        label = "variant " + (", ".join(f"{k}={v!r}" for k, v in values.items()) or "default")
        repo = None
        if (scenario.path / REPO).is_dir():
            repo = found.attempt(label, "", render_tree, scenario.repo_files(), values, file=REPO)
        hidden = found.attempt(label, "", materialize.hidden_tree, scenario, values, file="hidden")
        for rel in (BRIEF, m.ai.transcript):
            if exists(rel).is_file():
                found.attempt(label, "", render_file, scenario, rel, values, file=rel)
        start = reference = None
        if repo is not None and exists(m.ai.patch).is_file():
            start = found.attempt(
                label,
                "it must be a diff against repo/",
                _patched,
                repo,
                scenario,
                m.ai.patch,
                values,
                file=m.ai.patch,
            )
        if start is not None and exists(m.reference.patch).is_file():
            reference = found.attempt(
                label,
                "it must apply on top of repo/ + the AI change",
                _patched,
                start,
                scenario,
                m.reference.patch,
                values,
                file=m.reference.patch,
            )
        for i, flaw in enumerate(m.flaws):
            for mutant in flaw.mutants if reference is not None else ():
                if exists(mutant).is_file():
                    found.attempt(
                        f"flaws[{i}].mutants",
                        "mutants apply to the reference tree",
                        _patched,
                        reference,
                        scenario,
                        mutant,
                        values,
                        file=mutant,
                    )
        for name in scenario.sample_names() if start is not None else ():
            sample = f"samples/{name}/change.patch"
            if not exists(sample).is_file():
                found.add(Problem(file=sample, where="", what="missing: a sample needs its diff"))
                continue
            found.attempt(
                label,
                "samples are diffs against the start",
                _patched,
                start,
                scenario,
                sample,
                values,
                file=sample,
            )
        for problem in _check_selectors(scenario, hidden, start, reference):
            found.add(problem)
        for problem in _check_locations(scenario, start) if start is not None else ():
            found.add(problem)
    return list(found.problems.values())


def _check_selectors(
    scenario: Scenario,
    hidden: dict[str, bytes] | None,
    start: dict[str, bytes] | None,
    reference: dict[str, bytes] | None,
) -> list[Problem]:
    """Selectors that name no file; a selector into a tree that could not be built is skipped."""
    problems = []
    m = scenario.manifest
    groups = [(f"flaws[{i}].tests", f.tests, f.grader) for i, f in enumerate(m.flaws)]
    groups += [(f"keeps[{i}].tests", k.tests, "hidden-tests") for i, k in enumerate(m.keeps)]
    groups.append(("regression.tests", m.regression.tests, "hidden-tests"))
    for where, selectors, grader in groups:
        for selector in selectors:
            tree = reference if grader == "test-strength" else start
            if (hidden if selector.startswith("hidden/") else tree) is None:
                continue
            if not _selector_exists(selector, hidden or {}, tree or {}):
                problems.append(
                    Problem(
                        file=MANIFEST,
                        where=where,
                        what=f"selector {selector!r} names no file in hidden/ "
                        "or the repo: fix the path",
                    )
                )
            elif _names_helper(selector):
                problems.append(
                    Problem(
                        file=MANIFEST,
                        where=where,
                        what=f"selector {selector!r} names a helper module of the hidden "
                        "suites, which holds no test: name the test modules that use it",
                    )
                )
    return problems


def _names_helper(selector: str) -> bool:
    """Does ``selector`` name a hidden helper (``hidden/_support.py``, any ``hidden/_*.py``)?
    Helpers are imported by hidden tests, never collected as tests."""
    path = selector.split("::", 1)[0]
    return path.startswith("hidden/") and path.rsplit("/", 1)[-1].startswith("_")


def _check_locations(scenario: Scenario, start: dict[str, bytes]) -> list[Problem]:
    problems = []
    m = scenario.manifest
    entries = [(f"flaws[{i}].locations", f.locations) for i, f in enumerate(m.flaws)]
    entries += [(f"keeps[{i}].locations", k.locations) for i, k in enumerate(m.keeps)]
    for where, locations in entries:
        for text in locations:
            try:
                loc = parse_location(text)
            except ValueError as exc:
                problems.append(Problem(file=MANIFEST, where=where, what=str(exc)))
                continue
            if loc.path not in start:
                problems.append(
                    Problem(
                        file=MANIFEST,
                        where=where,
                        what=f"location {text!r}: {loc.path} is not in the "
                        "starting tree (repo + AI change)",
                    )
                )
                continue
            lines = start[loc.path].decode("utf-8", errors="replace").count("\n") + 1
            if loc.end > lines:
                problems.append(
                    Problem(
                        file=MANIFEST,
                        where=where,
                        what=f"location {text!r} is outside the file "
                        f"({loc.path} has {lines} lines)",
                    )
                )
    return problems
