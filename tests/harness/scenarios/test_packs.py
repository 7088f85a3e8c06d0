"""Scenario packs: discovery through entry points, ids unique across packs, broken packs named,
scenarios changed without a version bump refused, and results that say what they were graded on.

Packs here are real installed distributions (a ``*.dist-info`` folder with ``entry_points.txt``
beside their package on ``sys.path``), found through ``importlib.metadata`` as pip-installed ones
are; the wheel built and pip-installed into a fresh venv is ``test_pack_install.py``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import ExitCode, InvalidInput, NotFound
from harness.grading.pipeline import changed_under, graded_against
from harness.result import GradedAgainst, GradingResult, ResultStatus, dump_result, load_result
from harness.scenarios.packs import discover, source_folders
from harness.scenarios.scaffold import scaffold, scaffold_pack
from harness.scenarios.scenario import (
    LOCK,
    MANIFEST,
    builtin_ids,
    changed_without_bump,
    installed,
    library,
    load,
    refusal,
    resolve,
    survey,
)
from harness.store import Assignment, Submission


def install_pack(
    site: Path, name: str, version: str, module: str, ids: tuple[str, ...] = (), value: str = ""
) -> Path:
    """An installed distribution ``name`` whose ``dsim.scenarios`` entry point names ``value``
    (default: its package ``module``, holding scaffolded scenarios ``ids``)."""
    package = site / module
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    for sid in ids:
        scaffold(sid, package / sid)
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[dsim.scenarios]\n{module} = {value or module}\n")
    return package


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site folder on sys.path, as a pip --target install would be."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def lock(
    scenario_path: Path, *, version: str | None = None, content_hash: str | None = None
) -> None:
    scenario = load(scenario_path)
    (scenario_path / LOCK).write_text(
        json.dumps(
            {
                "scenario": scenario.id,
                "version": version or scenario.version,
                "content_hash": content_hash or scenario.content_hash,
                "tests": [],
            }
        )
    )


def test_the_builtin_library_is_one_pack():
    found = installed()
    builtin = found.owners["invoice-rounding"]
    assert builtin.name == "dsim"
    assert {"invoice-rounding", "session-tokens"} <= set(builtin.scenario_ids)
    scenario = resolve("invoice-rounding")
    assert scenario.pack == builtin
    assert scenario.ref == "invoice-rounding"


def test_an_installed_pack_is_listed_resolved_and_referred_to_by_id(site):
    install_pack(site, "acme-scenarios", "1.2.0", "acme_pack_a", ("acme-greeting",))
    assert "acme-greeting" in builtin_ids()
    scenarios, found, problems = survey()
    assert problems == []
    acme = next(p for p in found.packs if p.name == "acme-scenarios")
    assert (acme.version, acme.scenario_ids) == ("1.2.0", ("acme-greeting",))
    assert "acme-greeting" in {s.id for s in scenarios}
    scenario = resolve("acme-greeting")
    assert scenario.pack == acme
    assert scenario.ref == "acme-greeting"
    # Named by its folder, it is still the pack's scenario.
    assert resolve(str(scenario.path)).pack == acme


def test_an_entry_point_naming_a_missing_folder_is_one_problem_naming_the_pack(site):
    (site / "ghost_mod.py").write_text(
        "from pathlib import Path\nFOLDER = Path('/nonexistent/x')\n"
    )
    install_pack(site, "ghost-pack", "0.3.0", "ghost_pkg", value="ghost_mod:FOLDER")
    install_pack(site, "fine-pack", "1.0.0", "fine_pkg_b", ("fine-one",))
    scenarios, _found, problems = survey()
    assert [str(p) for p in problems] == [
        "pack ghost-pack 0.3.0: entry point `ghost_pkg = ghost_mod:FOLDER` names "
        "/nonexistent/x, which is not a folder"
    ]
    assert "fine-one" in {s.id for s in scenarios}


def test_an_entry_point_that_cannot_be_imported_is_one_problem(site):
    install_pack(site, "broken-pack", "2.0.0", "broken_pkg", value="no_such_module_xyz")
    problems = [str(p) for p in installed().problems]
    assert len(problems) == 1
    assert problems[0].startswith("pack broken-pack 2.0.0: entry point `broken_pkg = ")
    assert "ModuleNotFoundError" in problems[0]
    assert "invoice-rounding" in builtin_ids()


def test_a_pack_without_scenarios_is_a_problem(site):
    install_pack(site, "empty-pack", "1.0.0", "empty_pkg")
    assert [p.packs for p in installed().problems] == [("empty-pack 1.0.0",)]


def test_an_id_two_packs_share_names_both_and_belongs_to_neither(site):
    install_pack(site, "alpha-pack", "1.0.0", "alpha_pkg", ("shared-one", "alpha-only"))
    install_pack(site, "beta-pack", "3.1.0", "beta_pkg", ("shared-one",))
    found = installed()
    (clash,) = found.problems
    assert str(clash).startswith("packs alpha-pack 1.0.0 and beta-pack 3.1.0: each has a scenario")
    assert "shared-one" not in found.owners and "alpha-only" in found.owners
    with pytest.raises(InvalidInput, match="packs alpha-pack 1.0.0 and beta-pack 3.1.0"):
        resolve("shared-one")
    assert "alpha-only" in {s.id for s in library()}


def test_an_id_clashing_with_the_builtin_library_names_dsim(site):
    install_pack(site, "copycat", "1.0.0", "copycat_pkg", ("invoice-rounding",))
    (clash,) = installed().problems
    assert clash.packs[0].startswith("copycat 1.0.0") or clash.packs[1].startswith("copycat")
    assert any(p.startswith("dsim ") for p in clash.packs)


def test_a_malformed_scenario_is_left_out_with_its_pack_named(site):
    package = install_pack(site, "half-pack", "1.0.0", "half_pkg", ("good-one", "bad-one"))
    (package / "bad-one" / MANIFEST).write_text("schema = 1\nid = 'bad-one'\n")
    scenarios, _found, problems = survey()
    assert "good-one" in {s.id for s in scenarios}
    assert [(p.scenario, str(p).split(":")[0]) for p in problems] == [
        ("bad-one", "pack half-pack 1.0.0")
    ]
    with pytest.raises(InvalidInput, match=r"^pack half-pack 1\.0\.0: scenario at .* invalid"):
        resolve("bad-one")


def test_a_scenario_changed_without_a_version_bump_is_refused(site):
    package = install_pack(site, "drift-pack", "1.0.0", "drift_pkg", ("drifty",))
    lock(package / "drifty")
    assert refusal(resolve("drifty")) is None
    hidden = package / "drifty" / "hidden" / "test_loud.py"
    hidden.write_text(hidden.read_text() + "\n# changed\n")
    with pytest.raises(InvalidInput, match="changed since it was locked .* without a version bump"):
        resolve("drifty")
    assert changed_without_bump(resolve("drifty", verify=False))
    _scenarios, _found, problems = survey()
    assert [p.scenario for p in problems] == ["drifty"]
    assert "bump `version`" in str(problems[0])
    # A bumped version with the old lock is not checked yet; relocked, it is used.
    manifest = package / "drifty" / MANIFEST
    manifest.write_text(manifest.read_text().replace('version = "0.1.0"', 'version = "0.2.0"'))
    with pytest.raises(InvalidInput, match="its lock is for 0.1.0"):
        resolve("drifty")
    lock(package / "drifty")
    assert resolve("drifty").version == "0.2.0"


def test_a_folder_named_unlike_its_id_is_refused(site):
    package = install_pack(site, "named-pack", "1.0.0", "named_pkg", ("right-name",))
    shutil.move(package / "right-name", package / "wrong-name")
    with pytest.raises(InvalidInput, match="folder wrong-name holds scenario 'right-name'"):
        resolve("wrong-name")


def test_an_unknown_id_suggests_close_ones_or_the_listing():
    with pytest.raises(NotFound) as info:
        resolve("no-such-scenario-anywhere")
    assert info.value.hint == "`dsim scenarios list` shows them"
    with pytest.raises(NotFound) as info:
        resolve("invoice")
    assert "invoice-rounding" in (info.value.hint or "")


def test_results_record_the_pack_and_content_they_were_graded_against(site, tmp_path):
    install_pack(site, "rec-pack", "4.5.6", "rec_pkg", ("rec-one",))
    from_pack = resolve("rec-one")
    assert graded_against(from_pack) == GradedAgainst(
        scenario="rec-one",
        version="0.1.0",
        content_hash=from_pack.content_hash,
        pack="rec-pack",
        pack_version="4.5.6",
    )
    # A worker's copy unpacked from the store is credited to the installed pack with that content.
    copy = shutil.copytree(from_pack.path, tmp_path / "cache" / "abc" / "rec-one")
    assert graded_against(load(copy)).pack == "rec-pack"
    (copy / "BRIEF.md.j2").write_text("other content")
    assert graded_against(load(copy)).pack == ""
    outside = load(scaffold("loose-one", tmp_path / "loose-one"))
    assert graded_against(outside).pack == ""
    result = GradingResult(status=ResultStatus.ERRORED, graded_against=graded_against(from_pack))
    assert load_result(dump_result(result)) == result
    older = dump_result(result)
    del older["graded_against"]
    assert load_result(older).graded_against is None


def test_grading_refuses_a_pack_scenario_changed_under_the_candidate(site, store):
    package = install_pack(site, "moving-pack", "1.0.0", "moving_pkg", ("moving-one",))
    scenario = resolve("moving-one")
    assignment = Assignment(
        candidate="ada",
        scenario_id=scenario.id,
        scenario_version=scenario.version,
        scenario_hash=scenario.content_hash,
        scenario_ref=scenario.ref,
        seed=1,
        variables={},
        workspace="",
        base_commit="",
    )
    store.add(assignment)
    sub = Submission(
        assignment_id=assignment.id,
        candidate="ada",
        scenario_id=scenario.id,
        scenario_version=scenario.version,
        scenario_ref=scenario.ref,
        seed=1,
        diff="",
        content_hash="x",
        source="cli",
    )
    assert changed_under(store, sub, scenario) is None
    (package / "moving-one" / "BRIEF.md.j2").write_text("changed")
    why = changed_under(store, sub, resolve("moving-one"))
    assert why is not None and why.startswith("pack moving-pack 1.0.0: scenario moving-one 0.1.0")
    manifest = package / "moving-one" / MANIFEST
    manifest.write_text(manifest.read_text().replace('version = "0.1.0"', 'version = "0.2.0"'))
    assert changed_under(store, sub, resolve("moving-one")) is None


def test_discover_with_no_entry_points_still_has_the_builtin_library():
    found = discover(MANIFEST, entries=list)
    assert [p.name for p in found.packs] == ["dsim"]
    assert "invoice-rounding" in found.owners


def test_pack_source_folders_skip_build_output_and_flag_duplicates(tmp_path):
    root = scaffold_pack("acme-scenarios", tmp_path / "acme")
    folders, problems = source_folders(root, MANIFEST)
    assert [f.name for f in folders] == ["acme-scenarios-greeting"]
    assert problems == []
    shutil.copytree(folders[0], root / "build" / "lib" / "acme_scenarios" / folders[0].name)
    shutil.copytree(folders[0], root / "src" / "other" / folders[0].name)
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    folders, problems = source_folders(root, MANIFEST)
    assert len(folders) == 2
    assert any("two scenarios are named 'acme-scenarios-greeting'" in p for p in problems)
    assert any("declares no [project.entry-points" in p for p in problems)


def test_pack_new_refuses_a_bad_name_and_a_full_folder(tmp_path):
    with pytest.raises(InvalidInput, match="not a valid pack name"):
        scaffold_pack("Acme Scenarios!", tmp_path / "x")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "f").write_text("")
    with pytest.raises(InvalidInput, match="not empty"):
        scaffold_pack("acme", tmp_path / "full")


def dsim(cwd: Path, *args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = None
    if pythonpath is not None:
        import os

        env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [sys.executable, "-m", "harness", "--home", str(cwd / "home"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
        env=env,
    )


def test_scenarios_list_shows_every_pack_and_names_a_broken_one(tmp_path):
    site = tmp_path / "site"
    install_pack(site, "good-pack", "1.0.0", "good_pkg_cli", ("good-cli-one",))
    install_pack(site, "bad-pack", "0.1.0", "bad_pkg_cli", value="bad_pkg_cli:MISSING")
    proc = dsim(tmp_path, "scenarios", "list", pythonpath=site)
    assert proc.returncode == ExitCode.INVALID_INPUT
    assert "good-pack" in proc.stdout and "good-cli-one" in proc.stdout
    assert "invoice-rounding" in proc.stdout
    (line,) = proc.stderr.splitlines()
    assert line.startswith("Error: pack bad-pack 0.1.0: entry point `bad_pkg_cli = bad_pkg_cli")
    rows = json.loads(dsim(tmp_path, "scenarios", "list", "--json", pythonpath=site).stdout)
    mine = next(r for r in rows if r["id"] == "good-cli-one")
    assert (mine["pack"], mine["pack_version"]) == ("good-pack", "1.0.0")
    packs = json.loads(dsim(tmp_path, "pack", "list", "--json", pythonpath=site).stdout)
    assert {p["name"]: p["scenarios"] for p in packs}["good-pack"] == ["good-cli-one"]
    shown = dsim(tmp_path, "scenarios", "show", "good-cli-one", pythonpath=site)
    assert "pack: good-pack 1.0.0" in shown.stdout


def test_pack_new_scaffolds_a_pack_whose_sample_validates(tmp_path):
    proc = dsim(tmp_path, "pack", "new", "acme-scenarios", "--dir", "acme")
    assert proc.returncode == 0, proc.stderr
    root = tmp_path / "acme"
    assert (root / "ci.sh").stat().st_mode & 0o111
    ci = (root / "ci.sh").read_text()
    assert "dsim scenario validate" in ci and "dsim scenario check" in ci
    assert '[project.entry-points."dsim.scenarios"]' in (root / "pyproject.toml").read_text()
    sample = root / "src" / "acme_scenarios" / "acme-scenarios-greeting"
    assert dsim(tmp_path, "scenario", "validate", str(sample)).returncode == 0
    again = dsim(tmp_path, "pack", "new", "acme-scenarios", "--dir", "acme")
    assert again.returncode == ExitCode.INVALID_INPUT


def test_pack_check_refuses_to_relock_a_changed_scenario_without_a_bump(tmp_path):
    root = scaffold_pack("acme-scenarios", tmp_path / "acme")
    sample = root / "src" / "acme_scenarios" / "acme-scenarios-greeting"
    lock(sample)
    (sample / "BRIEF.md.j2").write_text("changed")
    proc = dsim(tmp_path, "pack", "check", str(root), "--backend", "nope")
    assert proc.returncode == ExitCode.INVALID_INPUT
    assert "changed since version 0.1.0 was locked" in proc.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = dsim(tmp_path, "pack", "check", str(empty))
    assert proc.returncode == ExitCode.INVALID_INPUT
    assert "holds no scenario" in proc.stderr


def test_an_entry_point_naming_no_folder_is_one_problem(site):
    install_pack(site, "blank-pack", "1.0.0", "blank_pkg", value="blank_pkg: ")
    (problem,) = installed().problems
    assert str(problem).startswith("pack blank-pack 1.0.0: entry point `blank_pkg = blank_pkg:`")
    assert "use `package` or `package:attribute`" in str(problem)


def test_unreadable_entry_points_are_one_problem_naming_the_distribution(site):
    install_pack(site, "garbled-pack", "1.0.0", "garbled_pkg", ("garbled-one",))
    (site / "garbled_pack-1.0.0.dist-info" / "entry_points.txt").write_text(
        "[dsim.scenarios]\nthis line has no equals sign\n"
    )
    install_pack(site, "tidy-pack", "1.0.0", "tidy_pkg", ("tidy-one",))
    found = installed()
    assert [str(p).split(":")[0] for p in found.problems] == ["pack garbled-pack 1.0.0"]
    assert "tidy-one" in found.owners
