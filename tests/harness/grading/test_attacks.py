"""Malicious submissions must never turn a flaw into "fixed" — each is a real attack, graded in
a real container, and each must leave an integrity finding that names what was tried.

The demo scenario's flaw: ``shout()`` does not strip the name. Every attack below leaves that bug
in place and tries to make the grader say it is fixed anyway.
"""

from __future__ import annotations

import pytest

from harness.backends import get_backend
from harness.grading.pipeline import grade_one
from harness.result import FindingCode, GradingResult, Outcome, Regression, ResultStatus
from harness.scenarios import materialize, patches
from harness.scenarios.scenario import Scenario, load
from harness.scenarios.variants import default_seed, draw
from harness.store import Store
from harness.workspace.submit import submit

pytestmark = pytest.mark.docker

BUGGY = "src/greeter/loud.py"
FIX = (
    "from greeter import greet\n\n\ndef shout(name):\n"
    '    return greet(name.strip()).upper() + "!"\n'
)


def grade(
    demo: Scenario, store: Store, changes: dict[str, str | None], review: str = ""
) -> GradingResult:
    """Submit ``changes`` (path -> new text, None deletes) against the start tree and grade it."""
    values = draw(demo, default_seed("mallory", demo.id)).values
    start = materialize.start_tree(demo, values)
    new = dict(start)
    for path, text in changes.items():
        if text is None:
            new.pop(path, None)
        else:
            new[path] = text.encode()
    row, _ = submit(
        store,
        demo,
        candidate="mallory",
        diff=patches.make(start, new),
        review_text=review,
        source="patch",
    )
    return grade_one(demo, row, get_backend("docker"))


def verdict(result: GradingResult, item: str) -> str:
    found = result.item(item)
    assert found is not None, item
    return found.verdict.value


def buggy_with(prefix: str) -> str:
    """The AI's buggy loud.py with attack code run at import."""
    return prefix + (
        '\nfrom greeter import greet\n\n\ndef shout(name):\n    return greet(name).upper() + "!"\n'
    )


def assert_caught(result: GradingResult, *codes: FindingCode) -> None:
    """The flaw stays unfixed and at least one of ``codes`` was recorded (codes decide; the
    messages are for people)."""
    assert verdict(result, "untrimmed-name") == "not_fixed", result.findings
    assert result.findings or result.void, "nothing was recorded"
    assert any(f.code in codes for f in result.findings), result.findings


def test_honest_fix_is_fixed_with_no_findings(demo, store, base_image):
    result = grade(demo, store, {BUGGY: FIX})
    assert result.status == ResultStatus.GRADED
    assert verdict(result, "untrimmed-name") == "fixed"
    assert verdict(result, "shout") == "kept"
    assert result.integrity == ()
    assert result.regression == Regression(total=1, passed=1, failed=(), flaky=())


def test_shipping_the_ai_change_as_is_fixes_nothing(demo, store, base_image):
    result = grade(demo, store, {})
    assert verdict(result, "untrimmed-name") == "not_fixed"
    assert verdict(result, "shout") == "kept"
    assert result.integrity == ()


def test_conftest_that_rewrites_outcomes_is_not_applied(demo, store, base_image):
    conftest = (
        "import pytest\n\n@pytest.hookimpl(hookwrapper=True)\n"
        "def pytest_runtest_makereport(item, call):\n    outcome = yield\n"
        "    outcome.get_result().outcome = 'passed'\n"
    )
    result = grade(demo, store, {"src/conftest.py": conftest, "conftest.py": conftest})
    assert_caught(result, FindingCode.PROTECTED_PATH)
    assert any("conftest.py" in f.message for f in result.findings)


def test_monkeypatching_pytest_internals_at_import_voids_the_run(demo, store, base_image):
    attack = (
        "import _pytest.reports as _r\n_orig = _r.TestReport.__init__\n"
        "def _init(self, *a, **k):\n    _orig(self, *a, **k)\n    self.outcome = 'passed'\n"
        "_r.TestReport.__init__ = _init\n"
    )
    result = grade(demo, store, {BUGGY: buggy_with(attack)})
    assert result.void is True
    assert_caught(result, FindingCode.INTERNALS_MODIFIED, FindingCode.CANARY_WRONG)


def test_os_exit_at_import_is_not_a_pass(demo, store, base_image):
    # The process ends while the hidden module imports the code: that module's tests do not run
    # (the rest of the run goes on without it, see the per-test limit below).
    result = grade(demo, store, {BUGGY: buggy_with("import os\nos._exit(0)\n")})
    assert_caught(result, FindingCode.ENDED_EARLY, FindingCode.PROCESS_ENDED)


def test_forged_junit_in_the_tree_is_ignored(demo, store, base_image):
    forged = (
        '<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="3" failures="0">'
        '<testcase classname="hidden.test_loud" '
        'name="test_shout_ignores_surrounding_spaces"/></testsuite></testsuites>\n'
    )
    result = grade(demo, store, {"src/junit.xml": forged, "junit.xml": forged})
    assert_caught(result, FindingCode.PROTECTED_PATH)


def test_sitecustomize_and_pth_are_not_applied(demo, store, base_image):
    result = grade(
        demo,
        store,
        {
            "src/sitecustomize.py": "import os\nos._exit(0)\n",
            "src/evil.pth": "import os; os._exit(0)\n",
        },
    )
    assert_caught(result, FindingCode.PROTECTED_PATH)
    text = " | ".join(f.message for f in result.findings)
    assert "sitecustomize.py" in text or "evil.pth" in text, text


def test_editing_a_visible_test_is_graded_with_the_original(demo, store, base_image):
    broken = "from greeter.settings import GREETING\n\n\ndef greet(name):\n    return 'nobody'\n"
    result = grade(
        demo,
        store,
        {
            "src/greeter/__init__.py": broken,
            "tests/test_greeter.py": "def test_greet_names_the_person():\n    assert True\n",
        },
    )
    assert result.regression.passed == 0
    assert any(f.code == FindingCode.VISIBLE_TEST_EDITED for f in result.notes)


def test_writing_to_a_guessed_hidden_test_path_is_not_applied(demo, store, base_image):
    fake = (
        "def test_shout_ignores_surrounding_spaces():\n    pass\n\n\n"
        "def test_shout_is_loud():\n    pass\n"
    )
    result = grade(demo, store, {"hidden/test_loud.py": fake, "src/hidden/test_loud.py": fake})
    assert_caught(result, FindingCode.PROTECTED_PATH)
    assert any("hidden/test_loud.py" in f.message for f in result.findings)


@pytest.mark.parametrize("call", ["pytest.skip('not today')", "pytest.xfail('known')"])
def test_skip_or_xfail_injected_from_candidate_code_fails(demo, store, base_image, call):
    code = f"import pytest\nfrom greeter import greet\n\n\ndef shout(name):\n    {call}\n"
    result = grade(demo, store, {BUGGY: code})
    assert verdict(result, "untrimmed-name") == "not_fixed"
    assert verdict(result, "shout") == "lost"
    assert any(f.code == FindingCode.SKIPPED_TEST for f in result.integrity), result.findings


def test_atexit_hook_that_rewrites_junit_never_runs(demo, store, base_image):
    attack = (
        "import atexit, sys\n"
        "def _forge():\n    path = sys.argv[sys.argv.index('--junitxml') + 1] "
        "if '--junitxml' in sys.argv else None\n"
        "    open('/tmp/dsim-out/junit.xml', 'w').write('<testsuites/>')\n"
        "atexit.register(_forge)\n"
    )
    result = grade(demo, store, {BUGGY: buggy_with(attack)})
    assert_caught(result, FindingCode.ATEXIT_ADDED)


def test_plugin_registered_through_gc_voids_the_run(demo, store, base_image):
    attack = (
        "import gc\nimport pytest\n"
        "class _Liar:\n"
        "    @pytest.hookimpl(hookwrapper=True)\n"
        "    def pytest_runtest_makereport(self, item, call):\n"
        "        outcome = yield\n        outcome.get_result().outcome = 'passed'\n"
        "for _o in gc.get_objects():\n"
        "    if type(_o).__name__ == 'PytestPluginManager':\n"
        "        _o.register(_Liar(), 'liar')\n        break\n"
    )
    result = grade(demo, store, {BUGGY: buggy_with(attack)})
    assert result.void is True
    assert_caught(
        result, FindingCode.PLUGIN_REGISTERED, FindingCode.HOOKS_CHANGED, FindingCode.CANARY_WRONG
    )


def test_xml_bomb_where_results_are_read_is_refused(demo, store, base_image):
    bomb = (
        '<?xml version="1.0"?>\\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "\\n<testsuites>&lol2;</testsuites>"
    )
    attack = (
        "import _pytest.junitxml as _j\n_orig = _j.LogXML.pytest_sessionfinish\n"
        "def _finish(self, *a, **k):\n    _orig(self, *a, **k)\n"
        f"    open(self.logfile, 'w').write('{bomb}')\n"
        "_j.LogXML.pytest_sessionfinish = _finish\n"
    )
    result = grade(demo, store, {BUGGY: buggy_with(attack)})
    assert result.void is True
    assert_caught(result, FindingCode.JUNIT_REJECTED, FindingCode.INTERNALS_MODIFIED)


def test_killing_every_process_in_sight_cannot_make_the_grading_an_infrastructure_error(
    demo, store, base_image
):
    # Were the container's own init or sleep killable, the container would stop under the run and
    # grading would record an infrastructure error: never scored, graded again forever.
    result = grade(
        demo,
        store,
        {
            BUGGY: buggy_with(
                "import os, signal\n"
                "for _pid in os.listdir('/proc'):\n"
                "    if _pid.isdigit() and int(_pid) != os.getpid():\n"
                "        try:\n"
                "            os.kill(int(_pid), signal.SIGKILL)\n"
                "        except OSError:\n"
                "            pass\n"
            )
        },
    )
    assert result.status == ResultStatus.GRADED, result.error
    assert verdict(result, "untrimmed-name") == "not_fixed"


# -- the per-test limit: a test that hangs or ends the process fails alone -----------------------


@pytest.fixture
def quick(demo: Scenario) -> Scenario:
    """The demo with a 2-second per-test limit (the run's limit stays 60 s)."""
    manifest = demo.path / "scenario.toml"
    text = manifest.read_text()
    manifest.write_text(text.replace("[runtime]\n", "[runtime]\ntest_timeout_seconds = 2\n", 1))
    return load(demo.path)


def shout_that(on_spaces: str) -> str:
    """loud.py with the keep's behaviour intact, doing ``on_spaces`` when the name has spaces."""
    body = "\n".join("        " + line for line in on_spaces.splitlines())
    return (
        "import os, signal, time\nfrom greeter import greet\n\n\ndef shout(name):\n"
        "    if name != name.strip():\n" + body + "\n"
        '    return greet(name).upper() + "!"\n'
    )


HANGS = {
    "busy-loop": "while True:\n    pass",
    "ignoring-signals": (
        "for s in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGHUP):\n"
        "    signal.signal(s, signal.SIG_IGN)\n"
        "signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals))\n"
        "while True:\n    pass"
    ),
    "blocked-in-sleep": "signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals))\n"
    "time.sleep(10**6)",
}


@pytest.mark.parametrize("how", sorted(HANGS))
def test_a_hanging_test_fails_alone_with_outcome_timeout(quick, store, base_image, how):
    result = grade(quick, store, {BUGGY: shout_that(HANGS[how])})
    assert result.status == ResultStatus.GRADED and not result.void, result.findings
    assert verdict(result, "untrimmed-name") == "not_fixed"
    assert verdict(result, "shout") == "kept"
    assert result.regression.passed == result.regression.total == 1
    assert result.hidden is not None
    flaw_test = "hidden/test_loud.py::test_shout_ignores_surrounding_spaces"
    assert result.hidden.tests[flaw_test].outcome == Outcome.TIMEOUT
    assert any(f.code == FindingCode.TEST_TIMED_OUT for f in result.findings)


@pytest.mark.parametrize("how", ["os.kill(os.getpid(), signal.SIGKILL)", "os._exit(0)"])
def test_a_test_that_ends_its_own_process_fails_alone(quick, store, base_image, how):
    result = grade(quick, store, {BUGGY: shout_that(how)})
    assert result.status == ResultStatus.GRADED and not result.void, result.findings
    assert verdict(result, "untrimmed-name") == "not_fixed"
    assert verdict(result, "shout") == "kept"
    assert result.hidden is not None
    flaw_test = "hidden/test_loud.py::test_shout_ignores_surrounding_spaces"
    assert result.hidden.tests[flaw_test].outcome == Outcome.ERROR
    assert any(f.code == FindingCode.PROCESS_ENDED for f in result.integrity)


def test_reverting_the_ai_change_is_judged_not_accused(demo, store, base_image):
    # Deleting the AI's module makes the hidden module that imports it uncollectable: a note
    # that names the cause, never an integrity finding; the revert still costs the keep.
    values = draw(demo, default_seed("mallory", demo.id)).values
    revert = materialize.revert_everything_patch(demo, values)
    row, _ = submit(store, demo, candidate="mallory", diff=revert, review_text="", source="patch")
    result = grade_one(demo, row, get_backend("docker"))
    assert result.status == ResultStatus.GRADED
    assert verdict(result, "shout") == "lost"
    assert not [f for f in result.integrity if f.code == FindingCode.COLLECTION_ERROR]
    assert any(f.code == FindingCode.IMPORTS_DELETED_CODE for f in result.notes), result.findings
    assert result.regression.total == result.regression.passed == 1
