"""A pack end to end, the way an organisation uses one: scaffold it, check it (locks written),
build a wheel with plain pip, pip-install it into a fresh venv, and from there list it, start a
workspace from it and grade a submission in Docker; the result names the pack it was graded on.

The fresh venv has no pip of its own (``--without-pip``: fast) and sees this venv's packages
through a ``.pth`` line, so dsim itself is not installed twice; the pack is installed into it by
pip, as a distribution whose entry point is the only way dsim finds it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from harness.store import Store

PACK = "acme-scenarios"
SCENARIO = "acme-scenarios-greeting"


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


def fresh_venv(folder: Path) -> Path:
    """A new venv that sees this venv's packages (dsim included) but has nothing installed."""
    run(sys.executable, "-m", "venv", "--without-pip", folder, cwd=folder.parent)
    python = folder / "bin" / "python"
    purelib = run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=folder
    ).stdout.strip()
    parent = sysconfig.get_paths()["purelib"]
    # `import` lines of a .pth run at start-up; addsitedir also reads the parent's .pth files
    # (an editable dsim is one).
    (Path(purelib) / "_parent_venv.pth").write_text(f"import site; site.addsitedir({parent!r})\n")
    return python


@pytest.mark.docker
def test_a_pack_wheel_installed_in_a_fresh_venv_is_listed_started_and_graded(tmp_path, base_image):
    home = tmp_path / "home"
    here = [sys.executable, "-m", "harness", "--home", home]
    run(*here, "pack", "new", PACK, "--dir", "acme", cwd=tmp_path)
    checked = run(*here, "pack", "check", "acme", "--runs", "1", cwd=tmp_path)
    assert f"{SCENARIO} (ok)" in checked.stdout
    source = tmp_path / "acme" / "src" / "acme_scenarios" / SCENARIO
    assert (source / "scenario.lock.json").is_file()
    run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
        "-w", "dist", "./acme", cwd=tmp_path,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("acme_scenarios-0.1.0-*.whl")

    python = fresh_venv(tmp_path / "fresh")
    run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
        wheel, cwd=tmp_path,
    )  # fmt: skip
    there = [python, "-m", "harness", "--home", home]
    listed = run(*there, "scenarios", "list", cwd=tmp_path)
    assert PACK in listed.stdout and SCENARIO in listed.stdout
    rows = json.loads(run(*there, "scenarios", "list", "--json", cwd=tmp_path).stdout)
    mine = next(r for r in rows if r["id"] == SCENARIO)
    assert (mine["pack"], mine["pack_version"]) == (PACK, "0.1.0")
    shown = json.loads(
        run(*there, "scenarios", "show", SCENARIO, "--assessor", "--json", cwd=tmp_path).stdout
    )
    assert shown["path"].startswith(str(tmp_path / "fresh"))  # the installed copy, not the source

    started = run(
        *there, "start", SCENARIO, "--candidate", "ada", "--dir", "ws", "--json", cwd=tmp_path
    )
    workspace = Path(json.loads(started.stdout)["workspace"])
    workspace = workspace if workspace.is_absolute() else tmp_path / workspace
    loud = workspace / "src" / "greeter" / "loud.py"
    loud.write_text(loud.read_text().replace("greet(name)", "greet(name.strip())"))
    run(*there, "submit", workspace, "--json", cwd=tmp_path)
    graded = run(*there, "grade", "--pending", "--backend", "docker", "--json", cwd=tmp_path)
    assert "graded" in graded.stdout

    store = Store(f"sqlite:///{home / 'dsim.db'}")
    (sub,) = store.submissions()
    assert sub.scenario_ref == SCENARIO
    row = store.latest_result(sub.id)
    assert row is not None
    against = row.result.graded_against
    assert against is not None
    assert (against.pack, against.pack_version, against.scenario) == (PACK, "0.1.0", SCENARIO)
    lock = json.loads((source / "scenario.lock.json").read_text())
    assert against.content_hash == lock["content_hash"]
    assert row.result.item("untrimmed-name").verdict.value == "fixed"
