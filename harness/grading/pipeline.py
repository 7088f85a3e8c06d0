"""The grading pipeline: stored submission in, result row out.

A grading job needs only the store URL and the scenario content; it keeps no process-local state,
so the same stage runs in a thread pool here and on worker machines elsewhere. Results are keyed by
(submission content, scenario content, harness version): a changed submission or scenario is
always graded again, an unchanged one never twice. Infrastructure failures are stored as
``infra_error`` and graded again on the next run; they never count against the candidate.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import graders
from harness import __version__
from harness.backends.base import Backend, Limits
from harness.errors import DsimError, InfraError, PatchError
from harness.grading.testrun import TestRun, run_tests
from harness.scenarios import materialize, patches
from harness.scenarios.manifest import VariableValue
from harness.scenarios.scenario import LOCK, Scenario, resolve
from harness.scenarios.variants import draw
from harness.store import Result, Store, Submission
from harness.workspace.submit import split_protected


def read_lock(scenario: Scenario) -> dict[str, Any] | None:
    path = scenario.path / LOCK
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text())
    return data


@dataclass(kw_only=True)
class GradeContext:
    """What every grader sees for one submission."""

    scenario: Scenario
    values: Mapping[str, VariableValue]
    backend: Backend
    image: str
    python: str
    start: dict[str, bytes]
    graded: dict[str, bytes]
    """The tree hidden tests run on: the submission with visible tests restored to the start."""
    submitted: dict[str, bytes]
    """The tree exactly as submitted (the engineer's own tests included)."""
    reference: dict[str, bytes]
    hidden: dict[str, bytes]
    applicable_diff: str
    reference_diff: str
    review_text: str
    submit_findings: list[dict[str, str]]
    reruns: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    lock: dict[str, Any] | None = None
    runs: list[TestRun] = field(default_factory=list)

    def limits(self) -> Limits:
        rt = self.scenario.manifest.runtime
        return Limits(timeout_seconds=rt.timeout_seconds, memory_mb=rt.memory_mb, cpus=rt.cpus,
                      pids=rt.pids)

    def hidden_selectors(self) -> list[str]:
        return self.scenario.manifest.hidden_test_selectors()

    def expected_tests(self) -> list[str] | None:
        return list(self.lock["tests"]) if self.lock else None

    def run(self, selectors: Sequence[str], *, tree: Mapping[str, bytes] | None = None,
            hidden: Mapping[str, bytes] | None = None) -> TestRun:
        result = run_tests(self.backend, image=self.image, python=self.python,
                           tree=self.graded if tree is None else tree,
                           hidden=self.hidden if hidden is None else hidden,
                           selectors=list(selectors), limits=self.limits(), labels=self.labels)
        self.runs.append(result)
        return result


def result_key(submission: Submission, scenario: Scenario) -> str:
    return hashlib.sha256(
        f"{submission.content_hash}\0{scenario.content_hash}\0{__version__}".encode()).hexdigest()


def image_for(scenario: Scenario, backend: Backend) -> tuple[str, str]:
    if not backend.isolated:
        return "", backend.python
    from harness.backends import images

    ref = images.ensure(scenario)
    return ref.tag, ref.python


def build_context(scenario: Scenario, submission: Submission, backend: Backend, *,
                  reruns: int = 0) -> tuple[GradeContext, list[str]]:
    """Assemble the trees of one grading job; return the context and tree-level findings."""
    values = draw(scenario, submission.seed).values
    start = materialize.start_tree(scenario, values)
    applicable, findings = split_protected(scenario, submission.diff)
    submitted = patches.apply(start, applicable, source="submission")
    graded = dict(submitted)
    notes = [f["detail"] for f in (x.as_dict() for x in findings)]
    # Visible tests named by selectors are graded as the engineer received them.
    from graders.hidden_tests import visible_test_files

    for rel in visible_test_files(scenario.manifest.hidden_test_selectors(), start):
        if graded.get(rel) != start[rel]:
            notes.append(f"{rel}: a visible test was edited; graded with the version the "
                         "engineer received")
            graded[rel] = start[rel]
    image, python = image_for(scenario, backend)
    ctx = GradeContext(
        scenario=scenario, values=values, backend=backend, image=image, python=python,
        start=start, graded=graded, submitted=submitted,
        reference=materialize.reference_tree(scenario, values),
        hidden=materialize.hidden_tree(scenario, values), applicable_diff=applicable,
        reference_diff=materialize.reference_patch(scenario, values),
        review_text=submission.review, submit_findings=[f.as_dict() for f in findings],
        reruns=reruns, labels={"dsim.submission": submission.id}, lock=read_lock(scenario))
    return ctx, notes


def grade_one(scenario: Scenario, submission: Submission, backend: Backend, *,
              reruns: int = 0) -> dict[str, Any]:
    """Grade one submission; return the result data (status, items, sections, timings)."""
    started = time.monotonic()
    try:
        ctx, notes = build_context(scenario, submission, backend, reruns=reruns)
    except PatchError as exc:
        return {"status": "errored", "items": _all_failed(scenario), "integrity": [],
                "notes": [str(exc.message)], "sections": {}, "timings": {}}
    sections: dict[str, Any] = {}
    for name in graders.DEFAULT:
        sections[name] = graders.get(name)(ctx)
    hidden = sections["hidden-tests"]
    items = {i["id"]: i for i in hidden["items"]}
    items.update({i["id"]: i for i in sections["test-strength"]["items"]})
    ordered = [items[i] for i in scenario.manifest.item_ids() if i in items]
    integrity = [*hidden["findings"], *sections["test-strength"]["findings"]]
    integrity += [f["detail"] for f in ctx.submit_findings]
    notes += [f for f in integrity if f.startswith("note:")]  # informational, not integrity
    integrity = [f for f in integrity if not f.startswith("note:")]
    status = "graded" if hidden["status"] == "completed" else hidden["status"]
    return {"status": status, "void": hidden["void"], "items": ordered,
            "regression": hidden["regression"], "integrity": list(dict.fromkeys(integrity)),
            "notes": notes, "sections": sections, "runs": len(ctx.runs),
            "timings": {**hidden["timings"], "total": time.monotonic() - started}}


def _all_failed(scenario: Scenario) -> list[dict[str, Any]]:
    m = scenario.manifest
    return [{"id": f.id, "kind": "flaw", "title": f.title, "category": f.category.value,
             "severity": f.severity, "verdict": "not_fixed", "tests": []} for f in m.flaws] + [
        {"id": k.id, "kind": "keep", "title": k.title, "verdict": "lost", "tests": []}
        for k in m.keeps]


@dataclass(frozen=True, kw_only=True)
class Graded:
    """One submission's outcome in a batch."""

    submission_id: str
    candidate: str
    scenario_id: str
    status: str
    cached: bool
    summary: str
    seconds: float


def summarize(data: dict[str, Any]) -> str:
    items = data.get("items", [])
    flaws = [i for i in items if i["kind"] == "flaw"]
    keeps = [i for i in items if i["kind"] == "keep"]
    reg = data.get("regression", {})
    text = (f"{sum(i['verdict'] == 'fixed' for i in flaws)}/{len(flaws)} flaws fixed, "
            f"{sum(i['verdict'] == 'kept' for i in keeps)}/{len(keeps)} kept, "
            f"regression {reg.get('passed', 0)}/{reg.get('total', 0)}")
    if data.get("integrity"):
        text += f", {len(data['integrity'])} integrity finding(s)"
    return text


def grade_submission(store: Store, submission_id: str, backend: Backend, *, reruns: int = 0,
                     force: bool = False) -> Graded:
    """Grade one stored submission (unless an identical result exists) and store the result."""
    started = time.monotonic()
    submission = store.submission(submission_id)
    scenario = resolve(submission.scenario_ref)
    key = result_key(submission, scenario)
    existing = None if force else store.result_for(submission.id, key)
    if existing is not None and existing.isolated == backend.isolated:
        return Graded(submission_id=submission.id, candidate=submission.candidate,
                      scenario_id=scenario.id, status=existing.status, cached=True,
                      summary=summarize(existing.data), seconds=time.monotonic() - started)
    try:
        data = grade_one(scenario, submission, backend, reruns=reruns)
    except InfraError as exc:
        data = {"status": "infra_error", "error": exc.message, "items": [], "integrity": []}
    store.add(Result(submission_id=submission.id, key=key, status=data["status"],
                     backend=backend.name, isolated=backend.isolated, data=data))
    return Graded(submission_id=submission.id, candidate=submission.candidate,
                  scenario_id=scenario.id, status=data["status"], cached=False,
                  summary=data.get("error") or summarize(data),
                  seconds=time.monotonic() - started)


def warm_by_default(jobs: int) -> bool:
    """Make sandboxes ahead only when fewer runs than CPUs go at once. Measured on 2 cores
    (docs/performance.md): at jobs 1 a warm pool took a 40-submission batch from 15.6 s to
    13.0 s; at jobs 2 the CPUs were already 90 % busy, and it cost ~75 ms more CPU per
    submission and 12 % more wall time."""
    return jobs < (os.cpu_count() or 1)


def grade_batch(store: Store, submission_ids: Sequence[str], backend: Backend, *, jobs: int = 2,
                reruns: int = 0, force: bool = False,
                on_done: Callable[[Graded], None] | None = None,
                warm: bool | None = None) -> list[Graded]:
    """Grade submissions in parallel. Interrupting leaves no containers behind; re-running the
    same batch grades only what has no result yet. With ``warm``, the backend makes each run's
    sandbox ahead of need (still one fresh sandbox per run; see :meth:`Backend.warmed`); by
    default only when the runs leave a CPU idle for it (:func:`warm_by_default`)."""
    backend.check()
    done: list[Graded] = []
    workers = max(1, jobs)
    with ExitStack() as stack:
        if (warm_by_default(workers) if warm is None else warm) and len(submission_ids) > 1:
            stack.enter_context(backend.warmed(spares=workers))
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            futures = {pool.submit(grade_submission, store, sid, backend, reruns=reruns,
                                   force=force): sid for sid in submission_ids}
            for future in as_completed(futures):
                try:
                    graded = future.result()
                except DsimError as exc:
                    sid = futures[future]
                    graded = Graded(submission_id=sid, candidate="?", scenario_id="?",
                                    status="error", cached=False, summary=exc.message, seconds=0)
                done.append(graded)
                if on_done:
                    on_done(graded)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            if backend.isolated:
                from harness.backends.docker import remove_live

                remove_live()
            raise
        pool.shutdown(wait=True)
    return done
