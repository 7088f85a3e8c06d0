"""The per-test limit: a test that hangs or ends the test process fails alone and the rest of the
run goes on, stopped by a watch on the host (run_tests against a scripted sandbox, no Docker)."""

from __future__ import annotations

from fakes import FakeBackend, Script

from harness.backends.base import Limits
from harness.grading import testrun
from harness.grading.testrun import MAX_ATTEMPTS, run_tests
from harness.result import Disposition, FindingCode, Outcome, RunStatus

HIDDEN = {
    "test_loud.py": b"def test_a():\n    pass\n",
    "test_more.py": b"def test_b():\n    pass\n",
}
TREE = {"src/greeter/loud.py": b"def shout(name):\n    return name.upper()\n"}
SELECTORS = ["hidden/test_loud.py", "hidden/test_more.py"]
A, A2, B = (
    "hidden/test_loud.py::test_a",
    "hidden/test_loud.py::test_a2",
    "hidden/test_more.py::test_b",
)
TESTS = {A: "passed", A2: "failed", B: "passed"}
LIMIT = 0.05


def run(backend: FakeBackend, *, test_timeout: float = LIMIT) -> testrun.TestRun:
    return run_tests(
        backend,
        image="",
        python="python3",
        tree=TREE,
        hidden=HIDDEN,
        selectors=SELECTORS,
        limits=Limits(timeout_seconds=5),
        test_timeout=test_timeout,
    )


def test_a_hanging_test_fails_alone_with_outcome_timeout_and_the_rest_keep_their_verdicts():
    backend = FakeBackend(Script(tests=TESTS, hangs=A2), Script(tests=TESTS))
    result = run(backend)
    assert result.status == RunStatus.COMPLETED and not result.void
    assert result.tests[A2].outcome == Outcome.TIMEOUT
    assert result.tests[A].outcome == Outcome.PASSED and result.tests[B].outcome == Outcome.PASSED
    timed_out = [f for f in result.findings if f.code == FindingCode.TEST_TIMED_OUT]
    assert len(timed_out) == 1 and timed_out[0].disposition == Disposition.NOTE
    assert backend.sandboxes[0].watch is not None and backend.sandboxes[0].watch.limit == LIMIT


def test_the_next_session_leaves_the_stopped_test_out():
    backend = FakeBackend(Script(tests=TESTS, hangs=A2), Script(tests=TESTS))
    run(backend)
    first, second = backend.sandboxes
    assert first.skipped == set()
    assert second.skipped == {second.real(A2)}
    assert len(backend.sandboxes) == 2


def test_a_test_that_ends_the_test_process_fails_alone():
    backend = FakeBackend(Script(tests=TESTS, ends_process_in=A), Script(tests=TESTS))
    result = run(backend)
    assert result.status == RunStatus.COMPLETED and not result.void
    assert result.tests[A].outcome == Outcome.ERROR
    assert result.tests[B].outcome == Outcome.PASSED
    assert FindingCode.PROCESS_ENDED in {f.code for f in result.findings}


def test_a_module_that_hangs_while_importing_leaves_only_its_own_tests_unrun():
    backend = FakeBackend(Script(tests=TESTS, hangs="hidden/test_loud.py"), Script(tests=TESTS))
    result = run(backend)
    assert A not in result.tests and A2 not in result.tests
    assert result.tests[B].outcome == Outcome.PASSED
    second = backend.sandboxes[1]
    assert not any("test_loud.py" in s for s in second.selected)
    assert FindingCode.TEST_TIMED_OUT in {f.code for f in result.findings}


def test_every_stop_leaves_one_more_test_out_and_the_attempts_are_bounded():
    scripts = [Script(tests=TESTS, hangs=A2) for _ in range(MAX_ATTEMPTS)]
    backend = FakeBackend(*scripts)
    result = run(backend)
    assert len(backend.sandboxes) == MAX_ATTEMPTS
    assert result.status != RunStatus.COMPLETED  # the last session never reported: not trusted


def test_without_a_per_test_limit_a_hang_is_the_whole_runs_timeout():
    backend = FakeBackend(Script(tests=TESTS, hangs=A2))
    result = run(backend, test_timeout=0)
    assert backend.sandboxes[0].watch is None
    assert result.status == RunStatus.TIMED_OUT
