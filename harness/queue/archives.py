"""Scenario content by hash: written to the store when a scenario is first queued, read back by
workers that have never seen it.

Invariants: an archive's bytes are a function of the scenario's files alone (sorted names, zero
times, fixed owners), so the same content is always the same archive; a worker uses extracted
content only after its :attr:`~harness.scenarios.scenario.Scenario.content_hash` was recomputed
and found equal to the hash the job names; extraction writes regular files and folders only,
inside the cache, never through a link or an absolute or ``..`` path.
"""

from __future__ import annotations

import gzip
import io
import shutil
import tarfile
import tempfile
from contextlib import suppress
from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from harness.errors import InfraError
from harness.scenarios.scenario import Scenario, escapes, load, read_tree
from harness.store import ScenarioArchive, Store

MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
"""The most an archive may unpack to: a scenario is a small codebase, never a data set."""


def pack(scenario: Scenario) -> bytes:
    """The scenario's files (its lock included; caches left out) as a reproducible .tar.gz."""
    buf = io.BytesIO()
    with (
        gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for rel, data in read_tree(scenario.path).items():
            info = tarfile.TarInfo(rel)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def ensure_archive(store: Store, scenario: Scenario) -> str:
    """Store the scenario's archive unless one with its content hash is there; return the hash.
    Two servers storing the same content at once store it once."""
    digest = scenario.content_hash
    with store.session() as s:
        if s.scalar(select(ScenarioArchive.content_hash).filter_by(content_hash=digest)):
            return digest
    row = ScenarioArchive(
        content_hash=digest, scenario_id=scenario.id, version=scenario.version, data=pack(scenario)
    )
    with suppress(IntegrityError):  # stored by someone else meanwhile: same hash, same content
        store.add(row)
    return digest


def fetch(store: Store, content_hash: str, cache: Path) -> Scenario:
    """The scenario with exactly ``content_hash``, from ``cache/<hash>`` or unpacked there from
    the store's archive.

    Raises:
        InfraError: the store has no archive with that hash, or it does not unpack to content
            with that hash (the message says which).
    """
    folder = cache / content_hash
    if folder.is_dir():
        scenario = load(folder)
        if scenario.content_hash == content_hash:
            return scenario
        shutil.rmtree(folder, ignore_errors=True)  # tampered with or half-removed: unpack again
    with store.session() as s:
        row = s.get(ScenarioArchive, content_hash)
        if row is None:
            raise InfraError(
                f"the store has no scenario content {content_hash[:12]} (scenario_archives); "
                "this worker cannot grade it",
                hint="queue the submission again from a machine that has the scenario "
                "(`dsim grade --pending --broker …`): queueing stores the scenario's content",
            )
        data, name = row.data, f"{row.scenario_id} {row.version}"
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{content_hash[:12]}-", dir=cache))
    try:
        _unpack(data, staging, name)
        scenario = load(staging)
        if scenario.content_hash != content_hash:
            raise InfraError(
                f"the stored archive of {name} unpacks to content {scenario.content_hash[:12]}, "
                f"not {content_hash[:12]}: it is damaged",
                hint="queue the submission again from a machine that has the scenario",
            )
        try:
            staging.rename(folder)
        except OSError:  # another worker unpacked it first: theirs is verified too
            shutil.rmtree(staging, ignore_errors=True)
        return load(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _unpack(data: bytes, dest: Path, name: str) -> None:
    """Write an archive's regular files under ``dest``; refuse anything else."""
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar:
                if member.isdir():
                    continue
                if not member.isfile() or escapes(member.name):
                    raise InfraError(
                        f"the stored archive of {name} has a bad entry {member.name!r}"
                    )
                total += member.size
                if total > MAX_ARCHIVE_BYTES:
                    raise InfraError(f"the stored archive of {name} is over 64 MiB unpacked")
                source = tar.extractfile(member)
                assert source is not None  # a regular file
                target = dest.joinpath(*PurePosixPath(member.name).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read())
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InfraError(f"the stored archive of {name} cannot be read: {exc}") from exc
