"""Scenarios on disk: where they are, what their files are called, and loading them.

This is the one module that knows the file names of the scenario format. The library is every
installed scenario pack (:mod:`harness.scenarios.packs`), the built-in one included; it is found
through installed distributions and package data, never through the current directory.

Invariant: a scenario loaded from a pack is refused (:func:`refusal`) when its lock was written for
the version it still declares but for other content — the pack changed it without a version bump,
so results under that version would no longer be comparable.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, replace
from functools import cached_property
from importlib import resources
from pathlib import Path

from harness.errors import InvalidInput, NotFound
from harness.scenarios.manifest import Manifest, parse_manifest
from harness.scenarios.packs import Installed, Pack, PackProblem, discover

MANIFEST = "scenario.toml"
LOCK = "scenario.lock.json"
REPO = "repo"
HIDDEN = "hidden"
SAMPLES = "samples"
BRIEF = "BRIEF.md"
TEMPLATE_SUFFIX = ".j2"
#: Files the workspace adds beside the codebase; they are never part of a graded diff.
WORKSPACE_DOCS = ("BRIEF.md", "TRANSCRIPT.md", "REVIEW.md")

# Never changeable by a submission, whatever `editable` says: they configure or hook into the
# test process that grades it.
PROTECTED_NAMES = frozenset(
    {
        "conftest.py",
        "sitecustomize.py",
        "usercustomize.py",
        "pytest.ini",
        "tox.ini",
        "setup.cfg",
        "pyproject.toml",
        "setup.py",
        ".pytest.ini",
        "pytest.toml",
        "noxfile.py",
    }
)
PROTECTED_SUFFIXES = (".pth",)
_IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".git", ".mypy_cache", ".ruff_cache"}


def glob_match(path: str, pattern: str) -> bool:
    """Match a posix path against a glob where ``**`` spans folders and ``*`` does not."""
    regex = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            regex += ".*"
            i += 2
        elif pattern[i] == "*":
            regex += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            regex += "[^/]"
            i += 1
        else:
            regex += re.escape(pattern[i])
            i += 1
    return re.fullmatch(regex, path) is not None


def escapes(path: str) -> bool:
    """Does ``path`` point outside the tree (absolute, ``..``, empty parts, backslashes)?"""
    parts = path.split("/")
    return path.startswith("/") or ".." in parts or "" in parts or "\\" in path


def is_editable(path: str, editable: tuple[str, ...]) -> bool:
    """Does ``path`` match one of the ``editable`` globs (protected names aside)?"""
    return any(glob_match(path, pattern) for pattern in editable)


def outside_editable(editable: tuple[str, ...]) -> str:
    """Why a path that matches none of ``editable`` is not taken, in words."""
    return "outside the editable paths (" + ", ".join(editable) + ")"


def protection_reason(path: str, editable: tuple[str, ...]) -> str | None:
    """Why a submission may not change ``path`` (None when it may)."""
    parts = path.split("/")
    if escapes(path):
        return "path escapes the tree"
    name = parts[-1]
    if name in PROTECTED_NAMES or name.endswith(PROTECTED_SUFFIXES):
        return f"{name} configures the test run and is protected"
    if path in WORKSPACE_DOCS:
        return None
    if not is_editable(path, editable):
        return outside_editable(editable)
    return None


def read_tree(root: Path) -> dict[str, bytes]:
    """Read every regular file below ``root`` into {posix relative path: bytes}."""
    tree: dict[str, bytes] = {}
    if not root.is_dir():
        return tree
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if _IGNORED_PARTS.intersection(rel.parts) or path.suffix == ".pyc":
            continue
        if path.is_file() and not path.is_symlink():
            tree[rel.as_posix()] = path.read_bytes()
    return tree


@dataclass(frozen=True)
class Scenario:
    """A scenario folder and its parsed manifest."""

    path: Path
    manifest: Manifest
    pack: Pack | None = None
    """The installed pack it was loaded from; None for a folder outside every pack."""

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def title(self) -> str:
        return self.manifest.title

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def ref(self) -> str:
        """How to find this scenario again: its id when it comes from an installed pack, else its
        absolute folder."""
        if self.pack is not None or installed().owner_of(self.path) is not None:
            return self.id
        return str(self.path.resolve())

    def file(self, relpath: str) -> Path:
        """A file of the scenario, preferring its ``.j2`` template when only that exists."""
        plain = self.path / relpath
        if not plain.exists() and (self.path / (relpath + TEMPLATE_SUFFIX)).exists():
            return self.path / (relpath + TEMPLATE_SUFFIX)
        return plain

    def repo_files(self) -> dict[str, bytes]:
        return read_tree(self.path / REPO)

    def hidden_files(self) -> dict[str, bytes]:
        return read_tree(self.path / HIDDEN)

    def sample_names(self) -> list[str]:
        root = self.path / SAMPLES
        return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []

    @cached_property
    def content_hash(self) -> str:
        """sha256 over every file of the scenario (lock excluded): identifies exact content."""
        import hashlib

        digest = hashlib.sha256()
        for rel, data in read_tree(self.path).items():
            if rel == LOCK:
                continue
            digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
        return digest.hexdigest()


def builtin_root() -> Path:
    """Folder of the built-in scenario library (package data of ``scenarios``)."""
    return Path(str(resources.files("scenarios")))


def installed() -> Installed:
    """Every installed scenario pack (the built-in library included) and what is wrong with any."""
    return discover(MANIFEST)


def builtin_ids() -> list[str]:
    """The id of every installed scenario, across all packs (ids two packs share left out)."""
    return sorted(installed().owners)


def load(path: Path) -> Scenario:
    """Load a scenario folder; raise InvalidInput listing every manifest problem."""
    manifest, problems = parse_manifest(path / MANIFEST)
    if manifest is None:
        raise InvalidInput(
            f"scenario at {path} has an invalid manifest",
            problems=[str(p) for p in problems],
            hint=f"run `dsim scenario validate {path}` for details",
        )
    return Scenario(path=path, manifest=manifest)


def _lock_fields(scenario: Scenario) -> tuple[str, str] | None:
    """(version, content hash) the scenario's lock was written for; None without a lock.

    Raises:
        ValueError: the lock is unreadable.
    """
    lock = scenario.path / LOCK
    if not lock.is_file():
        return None
    try:
        data = json.loads(lock.read_text(encoding="utf-8"))
        return str(data.get("version", "")), str(data["content_hash"])
    except (OSError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(str(exc)) from exc


def changed_without_bump(scenario: Scenario) -> bool:
    """Is there a lock for the scenario's version whose content hash is not the scenario's?"""
    try:
        fields = _lock_fields(scenario)
    except ValueError:
        return False
    return (
        fields is not None
        and fields[0] == scenario.version
        and fields[1] != (scenario.content_hash)
    )


def refusal(scenario: Scenario) -> str | None:
    """Why an installed scenario may not be used as it is (None when it may).

    A pack's scenario must carry the id of its folder, and its lock, when it has one, must be for
    its content: a lock for the same version but other content means the scenario changed
    without a version bump; a lock for another version means it was never checked as it is.
    """
    folder = scenario.path.name
    if scenario.id != folder:
        return f"folder {folder} holds scenario {scenario.id!r}; a pack's folders are named by id"
    try:
        fields = _lock_fields(scenario)
    except ValueError:
        return f"{folder}/{LOCK} is unreadable; run `dsim pack check` on the pack's source"
    if fields is None or fields[1] == scenario.content_hash:
        return None
    locked_version, locked_hash = fields
    if locked_version == scenario.version:
        return (
            f"scenario {scenario.id} {scenario.version} changed since it was locked (content "
            f"{scenario.content_hash[:12]}, locked {locked_hash[:12]}) without a version bump; "
            "bump `version` in its scenario.toml and run `dsim pack check`"
        )
    return (
        f"scenario {scenario.id} is version {scenario.version} but its lock is for "
        f"{locked_version or 'an unknown version'}; run `dsim pack check` to lock it"
    )


def _from_pack(pack: Pack, scenario_id: str, *, verify: bool) -> Scenario:
    """An installed scenario with its pack; InvalidInput naming the pack when it is refused."""
    folder = pack.root / scenario_id
    try:
        scenario = replace(load(folder), pack=pack)
    except InvalidInput as exc:
        raise InvalidInput(
            f"pack {pack.label}: {exc.summary}", problems=exc.problems, hint=exc.hint
        ) from None
    why = refusal(scenario) if verify else None
    if why is not None:
        raise InvalidInput(
            f"pack {pack.label}: {why}",
            hint=f"install a release of {pack.name} whose scenarios match their locks",
        )
    return scenario


def resolve(ref: str, *, verify: bool = True) -> Scenario:
    """Find a scenario by installed id or by folder path.

    Args:
        ref: a scenario id from any installed pack, or a scenario folder.
        verify: refuse an installed scenario whose lock does not match it (:func:`refusal`);
            ``False`` only for the tools that rewrite locks.

    Raises:
        NotFound: no folder and no installed scenario by that name.
        InvalidInput: two packs share the id, the manifest is invalid, or the scenario is
            refused; the message names the pack.
    """
    candidate = Path(ref)
    found = installed()
    if (candidate / MANIFEST).is_file():
        pack = found.owner_of(candidate)
        if pack is not None:
            return _from_pack(pack, candidate.name, verify=verify)
        return load(candidate)
    pack = found.owners.get(ref)
    if pack is not None:
        return _from_pack(pack, ref, verify=verify)
    clash = found.clash(ref)
    if clash is not None:
        raise InvalidInput(str(clash), hint="uninstall one of the packs or ask its authors")
    # With several packs the ids no longer fit one line: name the close ones, else the listing.
    close = fnmatch.filter(sorted(found.owners), f"*{ref}*")
    hint = f"did you mean {', '.join(close)}?" if close else "`dsim scenarios list` shows them"
    raise NotFound(f"no scenario {ref!r}", hint=hint)


def survey(*, verify: bool = True) -> tuple[list[Scenario], Installed, list[PackProblem]]:
    """Every installed scenario that loads (and, with ``verify``, is not refused), the packs, and
    every problem — broken packs, clashing ids, scenarios left out — each naming its pack."""
    found = installed()
    problems = list(found.problems)
    scenarios: list[Scenario] = []
    for sid, pack in sorted(found.owners.items()):
        try:
            scenarios.append(_from_pack(pack, sid, verify=verify))
        except InvalidInput as exc:
            what = exc.summary.removeprefix(f"pack {pack.label}: ")
            problems.append(PackProblem(packs=(pack.label,), scenario=sid, what=what))
    return scenarios, found, problems


def library(*, verify: bool = True) -> list[Scenario]:
    """Every installed scenario that loads, from every pack (see :func:`survey` for what was
    left out and why)."""
    return survey(verify=verify)[0]
