"""Scenario content by hash: a worker that never saw a scenario grades exactly that content, or
refuses with an infrastructure error saying what is missing."""

from __future__ import annotations

import gzip
import io
import shutil
import tarfile

import pytest
from queue_helpers import make_submissions, results
from sqlalchemy import update

from harness import queue
from harness.errors import InfraError
from harness.queue.archives import ensure_archive, fetch, pack
from harness.queue.worker import Ending
from harness.scenarios.scaffold import scaffold
from harness.scenarios.scenario import load
from harness.store import ScenarioArchive


def _tar(entries: dict[str, bytes], *, link: str | None = None) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if link:
            info = tarfile.TarInfo(link)
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(info)
    return buf.getvalue()


def test_the_same_content_packs_to_the_same_bytes(tmp_path, demo):
    copy = load(shutil.copytree(demo.path, tmp_path / "elsewhere"))
    assert pack(copy) == pack(demo) and copy.content_hash == demo.content_hash


def test_a_worker_that_never_saw_the_scenario_grades_it_from_the_store(
    tmp_path, store, make_grader, script
):
    scenario = load(scaffold("greet-away", tmp_path / "server" / "greet-away"))
    [sid] = make_submissions(store, scenario, 1)
    digest = scenario.content_hash
    queue.enqueue(store, [sid])
    shutil.rmtree(tmp_path / "server")  # the worker's machine has no copy of it
    grader = make_grader()
    assert grader.process(grader.claim_next()).ending is Ending.DONE
    assert len(results(store, sid)) == 1
    assert load(grader.config.cache / digest).content_hash == digest


def test_a_missing_archive_is_an_infra_error_naming_the_content(store, demo, make_grader, script):
    [sid] = make_submissions(store, demo, 1)
    queue.enqueue(store, [sid])
    with store.session() as s:
        s.query(ScenarioArchive).delete()
    grader = make_grader()
    outcome = grader.process(grader.claim_next())
    assert outcome.ending is Ending.FAILED  # not retried: no retry brings the content back
    assert demo.content_hash[:12] in outcome.detail and "scenario_archives" in outcome.detail
    assert script.calls == []
    assert queue.states(store, [sid]) == {sid: "infra_error"}


def test_an_archive_that_unpacks_to_other_content_is_refused(store, demo, tmp_path):
    other = load(scaffold("greet-other", tmp_path / "other"))
    ensure_archive(store, demo)
    with store.session() as s:
        s.execute(
            update(ScenarioArchive)
            .where(ScenarioArchive.content_hash == demo.content_hash)
            .values(data=pack(other))
        )
    with pytest.raises(InfraError, match="damaged"):
        fetch(store, demo.content_hash, tmp_path / "cache")
    assert not (tmp_path / "cache" / demo.content_hash).exists()


@pytest.mark.parametrize(
    ("entries", "link"),
    [
        ({"../escape.txt": b"x"}, None),
        ({"/etc/cron.d/x": b"x"}, None),
        ({"scenario.toml": b"x"}, "repo/link"),
    ],
    ids=["dot-dot", "absolute", "symlink"],
)
def test_a_hostile_archive_writes_nothing_outside_the_cache(store, tmp_path, entries, link):
    store.add(
        ScenarioArchive(
            content_hash="f" * 64, scenario_id="x", version="1", data=_tar(entries, link=link)
        )
    )
    cache = tmp_path / "deep" / "cache"
    with pytest.raises(InfraError, match="bad entry"):
        fetch(store, "f" * 64, cache)
    assert not (tmp_path / "deep" / "escape.txt").exists()
    assert list(cache.iterdir()) == []


def test_a_tampered_cache_is_unpacked_again(store, demo, tmp_path):
    ensure_archive(store, demo)
    cache = tmp_path / "cache"
    fetch(store, demo.content_hash, cache)
    hidden = next((cache / demo.content_hash / "hidden").rglob("*.py"))
    hidden.write_text("def test_nothing():\n    pass\n")
    again = fetch(store, demo.content_hash, cache)
    assert again.content_hash == demo.content_hash
