"""``dsim scenario validate``: every problem with a scenario, at once, without running anything.

Checks the manifest, the files it names, ids, selectors, locations, that every patch applies (for
every variant) and that every template renders. Running the tests is ``scenario check``'s job.
"""

from __future__ import annotations

from pathlib import Path

from harness.errors import PatchError
from harness.scenarios import materialize, patches
from harness.scenarios.locations import parse_location
from harness.scenarios.manifest import Problem, Severity, parse_manifest
from harness.scenarios.scenario import BRIEF, MANIFEST, REPO, Scenario
from harness.scenarios.variants import RenderError, all_variants, render_file, render_tree


def _selector_exists(selector: str, hidden: dict[str, bytes], repo: dict[str, bytes]) -> bool:
    path = selector.split("::", 1)[0].rstrip("/")
    if path.startswith("hidden/"):
        files, path = hidden, path[len("hidden/") :]
    else:
        files = repo
    return any(rel == path or rel.startswith(path + "/") for rel in files)


def validate(path: Path) -> list[Problem]:
    """Every problem found in the scenario at ``path`` (empty when it is valid)."""
    manifest, problems = parse_manifest(path / MANIFEST)
    if manifest is None:
        return problems
    scenario = Scenario(path=path, manifest=manifest)
    if path.name != manifest.id:
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
    if not (path / REPO).is_dir():
        problems.append(
            Problem(
                file=REPO,
                where="",
                what="repo/ is missing: it holds the codebase before the AI change",
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
    if problems and any(p.severity == Severity.ERROR for p in problems):
        return problems
    problems.extend(_check_content(scenario))
    return problems


def _check_content(scenario: Scenario) -> list[Problem]:
    """Render and patch every variant; check selectors and locations against the trees."""
    problems: list[Problem] = []
    m = scenario.manifest
    for values in all_variants(scenario):
        label = ", ".join(f"{k}={v!r}" for k, v in values.items()) or "default"
        try:
            repo = render_tree(scenario.repo_files(), values)
            hidden = materialize.hidden_tree(scenario, values)
            for rel in (BRIEF, m.ai.transcript):
                render_file(scenario, rel, values)
        except RenderError as exc:
            problems.append(
                Problem(
                    file=exc.path,
                    where=f"variant {label}",
                    what=f"template does not render: {exc.message}",
                )
            )
            break
        try:
            start = patches.apply(repo, materialize.ai_patch(scenario, values), source=m.ai.patch)
        except (PatchError, RenderError) as exc:
            problems.append(
                Problem(
                    file=m.ai.patch,
                    where=f"variant {label}",
                    what=f"{exc} — it must be a diff against repo/",
                )
            )
            break
        try:
            reference = patches.apply(
                start, materialize.reference_patch(scenario, values), source=m.reference.patch
            )
        except (PatchError, RenderError) as exc:
            problems.append(
                Problem(
                    file=m.reference.patch,
                    where=f"variant {label}",
                    what=f"{exc} — it must apply on top of repo/ + the AI change",
                )
            )
            break
        for i, flaw in enumerate(m.flaws):
            for mutant in flaw.mutants:
                try:
                    patches.apply(reference, render_file(scenario, mutant, values), source=mutant)
                except (PatchError, RenderError) as exc:
                    problems.append(
                        Problem(
                            file=mutant,
                            where=f"flaws[{i}].mutants",
                            what=f"{exc} — mutants apply to the reference tree",
                        )
                    )
        for name in scenario.sample_names():
            try:
                diff, _ = materialize.sample_patch(scenario, name, values)
                patches.apply(start, diff, source=f"samples/{name}/change.patch")
            except (PatchError, RenderError, FileNotFoundError) as exc:
                problems.append(
                    Problem(
                        file=f"samples/{name}/change.patch",
                        where=label,
                        what=f"{exc} — samples are diffs against the start",
                    )
                )
        problems.extend(_check_selectors(scenario, hidden, start, reference))
        problems.extend(_check_locations(scenario, start))
        if problems:
            break
    return problems


def _check_selectors(
    scenario: Scenario,
    hidden: dict[str, bytes],
    start: dict[str, bytes],
    reference: dict[str, bytes],
) -> list[Problem]:
    problems = []
    m = scenario.manifest
    groups = [(f"flaws[{i}].tests", f.tests, f.grader) for i, f in enumerate(m.flaws)]
    groups += [(f"keeps[{i}].tests", k.tests, "hidden-tests") for i, k in enumerate(m.keeps)]
    groups.append(("regression.tests", m.regression.tests, "hidden-tests"))
    for where, selectors, grader in groups:
        for selector in selectors:
            tree = reference if grader == "test-strength" else start
            if not _selector_exists(selector, hidden, tree):
                problems.append(
                    Problem(
                        file=MANIFEST,
                        where=where,
                        what=f"selector {selector!r} names no file in hidden/ "
                        "or the repo: fix the path",
                    )
                )
    return problems


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
