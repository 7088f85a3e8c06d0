"""Hidden suites share helpers through ``hidden/_support.py``: importable by every hidden test,
copied in with them, never a test module itself, never in a workspace, and never replaceable by a
module of the candidate's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harness.backends import get_backend
from harness.backends.local import LocalBackend
from harness.grading.check import CheckReport, check
from harness.grading.pipeline import image_for
from harness.scenarios import materialize
from harness.scenarios.scaffold import scaffold
from harness.scenarios.scenario import LOCK, Scenario, builtin_root, load
from harness.scenarios.validation import validate
from harness.scenarios.variants import draw

SUPPORT = '''"""Shared by the hidden tests."""

from greeter.loud import shout


def shouted(name):
    return shout(name)
'''
TESTS = """from _support import shouted


def test_shout_is_loud():
    assert shouted("ada").endswith("ADA!")


def test_shout_ignores_surrounding_spaces():
    assert shouted("  ada ").endswith("ADA!")
"""


def local_check(scenario: Scenario, *, write_lock: bool = True) -> CheckReport:
    """``scenario check`` on this machine: the real runner, no container."""
    backend = LocalBackend()
    _image, python = image_for(scenario, backend)
    return check(scenario, backend, runs=1, python=python, write_lock=write_lock)


@pytest.fixture
def helped(tmp_path: Path):
    """The scaffolded scenario with its hidden tests going through a shared helper."""
    root = scaffold("helped-demo", tmp_path / "helped-demo")
    (root / "hidden" / "_support.py").write_text(SUPPORT)
    (root / "hidden" / "test_loud.py").write_text(TESTS)
    return load(root)


def test_hidden_tests_import_their_helper_and_it_is_no_test(helped):
    report = local_check(helped)
    assert report.ok, report.rows
    tests = json.loads((helped.path / LOCK).read_text())["tests"]
    assert "hidden/test_loud.py::test_shout_is_loud" in tests
    assert not [t for t in tests if "_support" in t]


def test_the_helper_goes_with_the_hidden_suites_and_never_into_a_workspace(helped):
    values = draw(helped, 7).values
    assert "_support.py" in materialize.hidden_tree(helped, values)
    start = materialize.start_tree(helped, values)
    assert not [rel for rel in start if "_support" in rel]


def test_a_candidate_module_named_like_the_helper_does_not_replace_it(helped):
    # The candidate ships a `_support` whose helper answers what the test wants; the hidden
    # folder comes first on sys.path, so the real helper (and the flaw) is what is graded.
    cheat = 'def shouted(name):\n    return "ADA!"\n'
    (helped.path / "ai" / "change.patch").write_text(
        (helped.path / "ai" / "change.patch").read_text()
        + "diff --git a/src/_support.py b/src/_support.py\nnew file mode 100644\n"
        "--- /dev/null\n+++ b/src/_support.py\n@@ -0,0 +1,2 @@\n"
        + "".join(f"+{line}\n" for line in cheat.splitlines())
    )
    report = local_check(load(helped.path), write_lock=False)
    assert ("flaw untrimmed-name: the AI change fails its tests", "ok") in [
        (name, status) for name, status, _detail in report.rows
    ]


def test_a_selector_naming_the_helper_is_a_validation_error(helped):
    manifest = helped.path / "scenario.toml"
    manifest.write_text(
        manifest.read_text().replace(
            'tests = ["hidden/test_loud.py::test_shout_is_loud"]',
            'tests = ["hidden/test_loud.py::test_shout_is_loud", "hidden/_support.py"]',
        )
    )
    problems = [str(p) for p in validate(helped.path)]
    assert any("names a helper module of the hidden suites" in p for p in problems), problems


def test_api_client_retries_keeps_its_fake_transport_in_one_helper():
    hidden = builtin_root() / "api-client-retries" / "hidden"
    assert "class FakeTransport" in (hidden / "_support.py").read_text()
    users = ["test_backoff", "test_final_failure", "test_get_retries", "test_idempotency"]
    for name in users:
        text = (hidden / f"{name}.py").read_text()
        assert re.search(r"^from _support import .*FakeTransport", text, re.M), name
        assert "class FakeTransport" not in text, name


@pytest.mark.docker
def test_api_client_retries_with_its_helper_passes_its_check_in_docker(base_image):
    scenario = load(builtin_root() / "api-client-retries")
    backend = get_backend("docker")
    image, python = image_for(scenario, backend)
    report = check(scenario, backend, runs=1, image=image, python=python, write_lock=False)
    assert report.ok, report.rows
