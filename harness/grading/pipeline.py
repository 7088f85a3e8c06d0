"""The grading pipeline: stored submission in, typed result row out.

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
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass, replace

import graders
from harness import __version__
from harness.backends.base import Backend, ImageRecipe
from harness.errors import DsimError, InfraError, InvalidInput, PatchError
from harness.grading.context import (
    GradeContext,
    GraderOutput,
    Lock,
    flaw_item,
    keep_item,
    visible_test_files,
)
from harness.result import (
    Finding,
    FindingCode,
    GradedAgainst,
    GradingResult,
    HiddenTests,
    ItemResult,
    Regression,
    ResultStatus,
    Review,
    Scope,
    Verdict,
    dump_result,
)
from harness.scenarios import materialize, patches
from harness.scenarios.scenario import LOCK, Scenario, installed, load, resolve
from harness.scenarios.variants import draw
from harness.store import Result, Store, Submission
from harness.workspace.submit import split_protected


def read_lock(scenario: Scenario) -> Lock | None:
    """The scenario's lock (written by ``scenario check``), if it has one."""
    path = scenario.path / LOCK
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return Lock(tests=tuple(data["tests"]), content_hash=str(data.get("content_hash", "")))


def result_key(submission: Submission, scenario: Scenario) -> str:
    return hashlib.sha256(
        f"{submission.content_hash}\0{scenario.content_hash}\0{__version__}".encode()
    ).hexdigest()


def image_recipe(scenario: Scenario) -> ImageRecipe:
    """What a scenario's image is made from: the one place that says so, so building, grading
    and pruning always agree on its tag."""
    return ImageRecipe(name=scenario.id, requirements=tuple(scenario.manifest.runtime.requirements))


def image_for(scenario: Scenario, backend: Backend) -> tuple[str, str]:
    """The image tag (empty without images) and Python command the scenario's runs use."""
    image = backend.image_for(image_recipe(scenario))
    return image.tag, image.python


def build_context(
    scenario: Scenario, submission: Submission, backend: Backend, *, reruns: int = 0
) -> tuple[GradeContext, list[Finding]]:
    """Assemble the trees of one grading job; return the context and tree-level notes."""
    values = draw(scenario, submission.seed).values
    pre_ai = materialize.pre_ai_tree(scenario, values)
    start = materialize.start_tree(scenario, values, pre_ai=pre_ai)
    applicable, refused = split_protected(scenario, submission.diff)
    submitted = patches.apply(start, applicable, source="submission")
    graded = dict(submitted)
    notes: list[Finding] = []
    # Visible tests named by selectors are graded as the engineer received them.
    for rel in visible_test_files(scenario.manifest.hidden_test_selectors(), start):
        if graded.get(rel) != start[rel]:
            notes.append(
                Finding(
                    code=FindingCode.VISIBLE_TEST_EDITED,
                    message=f"{rel}: a visible test was edited; graded with the "
                    "version the engineer received",
                )
            )
            graded[rel] = start[rel]
    image, python = image_for(scenario, backend)
    ctx = GradeContext(
        scenario=scenario,
        values=values,
        backend=backend,
        image=image,
        python=python,
        start=start,
        graded=graded,
        submitted=submitted,
        reference=materialize.reference_tree(scenario, values, start=start),
        pre_ai=pre_ai,
        hidden=materialize.hidden_tree(scenario, values),
        applicable_diff=applicable,
        reference_diff=materialize.reference_patch(scenario, values),
        review_text=submission.review,
        submit_findings=tuple(f.as_finding() for f in refused),
        reruns=reruns,
        labels={"dsim.submission": submission.id},
        lock=read_lock(scenario),
    )
    return ctx, notes


def graded_against(scenario: Scenario) -> GradedAgainst:
    """What a result records of its scenario. A scenario without its pack (a worker's copy
    unpacked from the store) is credited to the installed pack that has the same id with the
    same content, if one does."""
    pack = scenario.pack
    if pack is None:
        owner = installed().owners.get(scenario.id)
        folder = owner.root / scenario.id if owner is not None else None
        if folder is not None and folder.resolve() != scenario.path.resolve():
            try:
                same = load(folder).content_hash == scenario.content_hash
            except DsimError:
                same = False
            pack = owner if same else None
        else:
            pack = owner
    return GradedAgainst(
        scenario=scenario.id,
        version=scenario.version,
        content_hash=scenario.content_hash,
        pack=pack.name if pack else "",
        pack_version=pack.version if pack else "",
    )


def grade_one(
    scenario: Scenario, submission: Submission, backend: Backend, *, reruns: int = 0
) -> GradingResult:
    """Grade one submission: every default grader, assembled into one result that records the
    scenario content and pack it was graded against.

    Raises InfraError when the engine, an image or the harness fails (the caller stores it as
    ``infra_error``); a submission that no longer applies is an ``errored`` result, not a raise.
    """
    started = time.monotonic()
    against = graded_against(scenario)
    try:
        ctx, notes = build_context(scenario, submission, backend, reruns=reruns)
    except PatchError as exc:
        return GradingResult(
            status=ResultStatus.ERRORED,
            items=_all_failed(scenario),
            error=exc.message,
            findings=(Finding(code=FindingCode.PATCH_FAILED, message=exc.message),),
            graded_against=against,
        )
    outputs = {name: graders.get(name)(ctx) for name in graders.DEFAULT}
    result = assemble(ctx, outputs, notes=notes, seconds=time.monotonic() - started)
    return replace(result, graded_against=against)


def changed_under(store: Store, submission: Submission, scenario: Scenario) -> str | None:
    """Why grading is refused: the candidate started the same version of this pack scenario with
    other content, so the pack was upgraded under them without a version bump. None when the
    scenario is not from a pack or nothing changed."""
    if scenario.pack is None or submission.assignment_id is None:
        return None
    started = store.assignment(submission.assignment_id)
    if started.scenario_version != scenario.version or started.scenario_hash in (
        "",
        scenario.content_hash,
    ):
        return None
    return (
        f"pack {scenario.pack.label}: scenario {scenario.id} {scenario.version} is not the content "
        f"this candidate started ({started.scenario_hash[:12]}, installed "
        f"{scenario.content_hash[:12]}): the pack changed it without a version bump"
    )


def assemble(
    ctx: GradeContext, outputs: dict[str, GraderOutput], *, notes: Sequence[Finding], seconds: float
) -> GradingResult:
    """One result from the graders' outputs: items in manifest order, findings once each."""
    items = {i.id: i for out in outputs.values() for i in out.items}
    ordered = tuple(items[i] for i in ctx.scenario.manifest.item_ids() if i in items)
    findings = [f for out in outputs.values() for f in out.findings]
    findings += [*ctx.submit_findings, *notes]
    hidden = next(o.section for o in outputs.values() if isinstance(o.section, HiddenTests))
    regression = next(
        (o.regression for o in outputs.values() if o.regression is not None), Regression()
    )
    return GradingResult(
        status=ResultStatus.of_run(hidden.status),
        void=hidden.void,
        items=ordered,
        regression=regression,
        findings=tuple(dict.fromkeys(findings)),
        hidden=hidden,
        review=next((o.section for o in outputs.values() if isinstance(o.section, Review)), None),
        scope=next((o.section for o in outputs.values() if isinstance(o.section, Scope)), None),
        runs=len(ctx.runs),
        timings={**hidden.timings, "total": seconds},
    )


def _all_failed(scenario: Scenario) -> tuple[ItemResult, ...]:
    m = scenario.manifest
    return tuple(flaw_item(f, Verdict.NOT_FIXED) for f in m.flaws) + tuple(
        keep_item(k, Verdict.LOST) for k in m.keeps
    )


@dataclass(frozen=True, kw_only=True)
class BatchEntry:
    """One submission's outcome in a batch."""

    submission_id: str
    candidate: str
    scenario_id: str
    status: ResultStatus | None
    """The stored result's status; None when the job failed before a result could be stored
    (the submission or its scenario could not be found): ``summary`` says why."""
    cached: bool
    summary: str
    seconds: float

    @property
    def failed(self) -> bool:
        """Nothing the candidate did: the engine failed, or the job itself did."""
        return self.status in (None, ResultStatus.INFRA_ERROR)

    @property
    def label(self) -> str:
        """The status as listings and ``--json`` show it (``error``: the job failed)."""
        return "error" if self.status is None else self.status.value


def grade_submission(
    store: Store, submission_id: str, backend: Backend, *, reruns: int = 0, force: bool = False
) -> BatchEntry:
    """Grade one stored submission (unless an identical result exists) and store the result."""
    started = time.monotonic()
    submission = store.submission(submission_id)
    scenario = resolve(submission.scenario_ref)
    changed = changed_under(store, submission, scenario)
    if changed is not None:
        raise InvalidInput(
            changed,
            hint=f"install the {scenario.pack.name if scenario.pack else 'pack'} release the "
            "candidate started with, or ask its authors to bump the scenario's version",
        )
    key = result_key(submission, scenario)
    existing = None if force else store.result_for(submission.id, key)
    if existing is not None and existing.isolated == backend.isolated:
        return BatchEntry(
            submission_id=submission.id,
            candidate=submission.candidate,
            scenario_id=scenario.id,
            status=ResultStatus(existing.status),
            cached=True,
            summary=existing.result.text(),
            seconds=time.monotonic() - started,
        )
    try:
        result = grade_one(scenario, submission, backend, reruns=reruns)
    except InfraError as exc:
        result = GradingResult(
            status=ResultStatus.INFRA_ERROR,
            error=exc.message,
            graded_against=graded_against(scenario),
        )
    store.add(
        Result(
            submission_id=submission.id,
            key=key,
            status=result.status.value,
            backend=backend.name,
            isolated=backend.isolated,
            data=dump_result(result),
        )
    )
    return BatchEntry(
        submission_id=submission.id,
        candidate=submission.candidate,
        scenario_id=scenario.id,
        status=result.status,
        cached=False,
        summary=result.text(),
        seconds=time.monotonic() - started,
    )


def warm_by_default(jobs: int) -> bool:
    """Make sandboxes ahead only when fewer runs than CPUs go at once. Measured on 2 cores
    (docs/performance.md): at jobs 1 a warm pool took a 40-submission batch from 15.6 s to
    13.0 s; at jobs 2 the CPUs were already 90 % busy, and it cost ~75 ms more CPU per
    submission and 12 % more wall time."""
    return jobs < (os.cpu_count() or 1)


def grade_batch(
    store: Store,
    submission_ids: Sequence[str],
    backend: Backend,
    *,
    jobs: int = 2,
    reruns: int = 0,
    force: bool = False,
    on_done: Callable[[BatchEntry], None] | None = None,
    warm: bool | None = None,
) -> list[BatchEntry]:
    """Grade submissions in parallel. Interrupting leaves no containers behind; re-running the
    same batch grades only what has no result yet. With ``warm``, the backend makes each run's
    sandbox ahead of need (still one fresh sandbox per run; see :meth:`Backend.warmed`); by
    default only when the runs leave a CPU idle for it (:func:`warm_by_default`)."""
    backend.check()
    done: list[BatchEntry] = []
    workers = max(1, jobs)
    with ExitStack() as stack:
        if (warm_by_default(workers) if warm is None else warm) and len(submission_ids) > 1:
            stack.enter_context(backend.warmed(spares=workers))
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            futures = {
                pool.submit(grade_submission, store, sid, backend, reruns=reruns, force=force): sid
                for sid in submission_ids
            }
            for future in as_completed(futures):
                try:
                    entry = future.result()
                except DsimError as exc:
                    entry = BatchEntry(
                        submission_id=futures[future],
                        candidate="?",
                        scenario_id="?",
                        status=None,
                        cached=False,
                        summary=exc.message,
                        seconds=0,
                    )
                done.append(entry)
                if on_done:
                    on_done(entry)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            backend.remove_live()  # workers' sandboxes: nothing unwinds in their threads
            raise
        pool.shutdown(wait=True)
    return done
