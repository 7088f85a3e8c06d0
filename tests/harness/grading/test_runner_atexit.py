"""The in-container runner, run here on the host's Python: atexit hooks registered by code under
test are reported, pytest's own (tmp_path registers cleanup hooks) are not.

The Docker attack test (test_attacks.py) shows the same finding through a real sandbox; this one
pins what must not be reported, which a scenario whose hidden tests use tmp_path depends on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parents[3] / "harness" / "grading" / "runner" / "dsim_runner.py"
HIDDEN = """\
import mod


def test_uses_tmp_path(tmp_path, tmp_path_factory):
    (tmp_path / "x").write_text("1")
    tmp_path_factory.mktemp("more")
    assert mod.VALUE == 1
"""


def run(tmp_path: Path, module: str) -> list[dict[str, str]]:
    tree, hidden = tmp_path / "tree", tmp_path / "hidden"
    (tree / "src").mkdir(parents=True)
    hidden.mkdir()
    (tree / "src" / "mod.py").write_text(module)
    (hidden / "test_tmp.py").write_text(HIDDEN)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    config = {
        "tree": str(tree), "hidden": str(hidden), "scratch": str(tmp_path / "scratch"),
        "nonce": "N0NCE", "ini": str(tmp_path / "pytest.ini"), "selectors": [str(hidden)],
        "junit_cap": 1_000_000,
    }  # fmt: skip
    (tmp_path / "config.json").write_text(json.dumps(config))
    proc = subprocess.run(
        [sys.executable, "-I", "-B", str(RUNNER), str(tmp_path / "config.json")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    body = proc.stdout.split("N0NCE-BEGIN\n", 1)[1].split("\nN0NCE-END", 1)[0]
    report = json.loads(body)
    assert report["exit_code"] == 0, proc.stderr[-2000:]
    findings: list[dict[str, str]] = report["findings"]
    return findings


def test_pytests_own_tmp_path_hooks_are_not_reported(tmp_path):
    assert run(tmp_path, "VALUE = 1\n") == []


@pytest.mark.parametrize(
    ("module", "hooks"),
    [
        ("import atexit\natexit.register(print, 'x')\nVALUE = 1\n", 1),
        ("from atexit import register\n@register\ndef _bye():\n    pass\nVALUE = 1\n", 1),
        ("import atexit\nfor _ in range(3):\n    atexit.register(print)\nVALUE = 1\n", 3),
    ],
    ids=["call", "decorator", "three"],
)
def test_hooks_registered_by_code_under_test_are_reported(tmp_path, module, hooks):
    findings = run(tmp_path, module)
    assert [f["code"] for f in findings] == ["atexit-added"]
    assert findings[0]["message"].startswith(f"{hooks} atexit hook(s) registered by the code")
