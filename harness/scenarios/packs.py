"""Scenario packs: installed Python distributions that carry scenarios, found by entry point.

A pack is any distribution that declares an entry point in the ``dsim.scenarios`` group. Its value
names a package (``acme_scenarios``: the package's folder) or an attribute holding a folder or a
callable returning one (``acme_scenarios:FOLDER``); every sub-folder of that folder holding a
manifest is one scenario, whose id is the folder name. The built-in library is itself a pack: the
``dsim`` distribution's ``builtin = "scenarios"`` entry point.

Invariants:

- one broken pack never hides another: a value that cannot be imported, a folder that does not
  exist, a pack with no scenarios are each a :class:`PackProblem` naming the pack, and discovery
  goes on with the rest;
- an id two packs share belongs to neither (a submission naming it could mean either): the clash is
  a problem naming both packs;
- discovery reads folder names only (no manifest, no hashing), so listing ids stays cheap; loading
  and verifying a scenario is :mod:`harness.scenarios.scenario`'s job.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from importlib import metadata, resources
from pathlib import Path
from typing import Any

GROUP = "dsim.scenarios"
"""The entry point group a pack declares."""
BUILTIN_PACKAGE = "scenarios"
"""The package holding the built-in library (shipped as package data of dsim)."""
BUILTIN_PACK = "dsim"
_VALUE = re.compile(r"[A-Za-z_][\w.]*(?::[A-Za-z_][\w.]*)?")
"""An entry point value dsim reads: ``package`` or ``package:attribute``."""


@dataclass(frozen=True, kw_only=True)
class Pack:
    """One installed pack: a distribution's entry point and the folder it names."""

    name: str
    """The distribution's name (``dsim`` for the built-in library)."""
    version: str
    """The distribution's version."""
    entry_point: str
    """``name = value`` as declared, for messages."""
    root: Path
    """The folder whose sub-folders are the pack's scenarios."""
    scenario_ids: tuple[str, ...] = ()
    """Every scenario folder in it, sorted (ids that clash with another pack included)."""

    @property
    def label(self) -> str:
        """``name version``: how messages name the pack."""
        return f"{self.name} {self.version}"


@dataclass(frozen=True, kw_only=True)
class PackProblem:
    """Why a pack, or one scenario of it, is left out of the library: one line for a person."""

    packs: tuple[str, ...]
    """The pack's label (``name version``); two or more for an id they share."""
    what: str
    scenario: str = ""
    """The scenario id it is about, when it is about one."""

    @property
    def clash(self) -> bool:
        return len(self.packs) > 1

    def __str__(self) -> str:
        if self.clash:
            return f"packs {' and '.join(self.packs)}: {self.what}"
        return f"pack {self.packs[0]}: {self.what}"


@dataclass(frozen=True, kw_only=True)
class Installed:
    """Every installed pack, which pack owns each scenario id, and what was wrong."""

    packs: tuple[Pack, ...] = ()
    owners: dict[str, Pack] = field(default_factory=dict)
    """Scenario id → the one pack that has it (clashing ids are in no pack's entry)."""
    problems: tuple[PackProblem, ...] = ()

    def folder(self, scenario_id: str) -> Path | None:
        """The folder of an installed scenario, or None."""
        pack = self.owners.get(scenario_id)
        return None if pack is None else pack.root / scenario_id

    def clash(self, scenario_id: str) -> PackProblem | None:
        """The clash problem of an id two packs share, if it is one."""
        return next((p for p in self.problems if p.scenario == scenario_id and p.clash), None)

    def owner_of(self, folder: Path) -> Pack | None:
        """The pack whose scenario ``folder`` is, or None for a folder outside every pack."""
        pack = self.owners.get(folder.name)
        if pack is not None and (pack.root / folder.name).resolve() == folder.resolve():
            return pack
        return None


def _folder_of(entry: metadata.EntryPoint) -> Path:
    """The folder an entry point names (may raise anything its package's import raises)."""
    if entry.attr is None:
        return Path(str(resources.files(entry.module)))
    value: Any = entry.load()
    if callable(value):
        value = value()
    return Path(str(value))


def _entry_points() -> list[metadata.EntryPoint | PackProblem]:
    """Every ``dsim.scenarios`` entry point, read one distribution at a time so that one with
    unreadable metadata is a problem naming it, not a failure of the whole listing (the one-call
    read is ten times faster, so it is tried first)."""
    every: list[metadata.EntryPoint] | None = None
    with contextlib.suppress(Exception):  # a broken entry_points.txt raises anything
        every = list(metadata.entry_points(group=GROUP))
    if every is not None:
        every.sort(key=lambda e: (_dist_name(e), e.name))
        return [*every]
    found: dict[str, list[metadata.EntryPoint | PackProblem]] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"] or "?"
        if name in found:  # the same distribution twice on sys.path: the first one wins
            continue
        try:
            found[name] = list(dist.entry_points.select(group=GROUP))
        except Exception as exc:  # noqa: BLE001 - a broken entry_points.txt raises anything
            if f"[{GROUP}]" in (dist.read_text("entry_points.txt") or ""):
                what = f"its entry points cannot be read ({type(exc).__name__}: {exc})"
                found[name] = [PackProblem(packs=(f"{name} {dist.version}",), what=what)]
    return [e for name in sorted(found) for e in found[name]]


def _dist_name(entry: metadata.EntryPoint) -> str:
    return entry.dist.name if entry.dist is not None else entry.name


def _builtin() -> Pack:
    """The built-in library when no entry point names it (a checkout whose installed metadata
    predates packs): it is always a pack, whatever the metadata says."""
    from harness import __version__

    root = Path(str(resources.files(BUILTIN_PACKAGE)))
    return Pack(
        name=BUILTIN_PACK,
        version=__version__,
        entry_point=f"builtin = {BUILTIN_PACKAGE}",
        root=root,
    )


def _load(
    entry: metadata.EntryPoint, name: str, contains: str
) -> tuple[Pack | None, PackProblem | None]:
    version = entry.dist.version if entry.dist is not None else "?"
    label = f"{name} {version}"
    declared = f"{entry.name} = {entry.value}"
    if not _VALUE.fullmatch(entry.value):
        what = f"entry point `{declared}` names no folder: use `package` or `package:attribute`"
        return None, PackProblem(packs=(label,), what=what)
    try:
        root = _folder_of(entry)
    except Exception as exc:  # noqa: BLE001 - a pack's own import may raise anything
        why = f"{type(exc).__name__}: {exc}"
        return None, PackProblem(
            packs=(label,), what=f"entry point `{declared}` fails to load ({why})"
        )
    if not root.is_dir():
        return None, PackProblem(
            packs=(label,), what=f"entry point `{declared}` names {root}, which is not a folder"
        )
    ids = tuple(sorted(p.name for p in root.iterdir() if (p / contains).is_file()))
    pack = Pack(name=name, version=version, entry_point=declared, root=root, scenario_ids=ids)
    if not ids:
        return pack, PackProblem(packs=(label,), what=f"{root} holds no scenario (no */{contains})")
    return pack, None


def discover(
    contains: str,
    entries: Callable[[], Iterable[metadata.EntryPoint | PackProblem]] = _entry_points,
) -> Installed:
    """Every installed pack and which owns each scenario id (``contains``: the manifest's file
    name, which marks a scenario folder).

    Never raises for a broken pack: see :class:`PackProblem`.
    """
    found: list[Pack] = []
    problems: list[PackProblem] = []
    listed: list[metadata.EntryPoint] = []
    for entry in entries():
        if isinstance(entry, PackProblem):
            problems.append(entry)
        else:
            listed.append(entry)
    per_dist: dict[str, int] = {}
    for entry in listed:
        per_dist[_dist_name(entry)] = per_dist.get(_dist_name(entry), 0) + 1
    for entry in listed:
        dist = _dist_name(entry)
        # A distribution with several entry points is several packs, each named by both.
        name = dist if per_dist[dist] == 1 else f"{dist}/{entry.name}"
        pack, problem = _load(entry, name, contains)
        if problem is not None:
            problems.append(problem)
        if pack is not None and all(p.root.resolve() != pack.root.resolve() for p in found):
            found.append(pack)
    try:
        builtin = _builtin()
    except (ModuleNotFoundError, TypeError):  # dsim without its library: nothing to add
        builtin = None
    if builtin is not None and all(p.root.resolve() != builtin.root.resolve() for p in found):
        ids = tuple(sorted(p.name for p in builtin.root.iterdir() if (p / contains).is_file()))
        found.insert(0, replace(builtin, scenario_ids=ids))
    owners: dict[str, Pack] = {}
    clashing: dict[str, list[Pack]] = {}
    for pack in found:
        for sid in pack.scenario_ids:
            if sid in owners or sid in clashing:
                clashing.setdefault(sid, [owners.pop(sid)] if sid in owners else []).append(pack)
            else:
                owners[sid] = pack
    for sid, packs in sorted(clashing.items()):
        problems.append(
            PackProblem(
                packs=tuple(p.label for p in packs),
                scenario=sid,
                what=f"each has a scenario {sid!r}; ids must be unique across packs, so it is "
                "left out until one of them renames or drops it",
            )
        )
    return Installed(packs=tuple(found), owners=owners, problems=tuple(problems))


_NOT_SOURCE = {"build", "dist", ".git", ".venv", "venv", ".tox", "node_modules", "__pycache__"}


def source_folders(directory: Path, contains: str) -> tuple[list[Path], list[str]]:
    """The scenario folders of a pack's source tree, and what is wrong with the tree.

    A scenario folder is one holding ``contains`` (the manifest) that is not inside another
    scenario; build output and virtualenvs are skipped. Problems: no ``pyproject.toml`` declaring
    a ``dsim.scenarios`` entry point, no scenario at all, two folders with the same name (the
    name is the scenario's id).
    """
    import tomllib

    problems: list[str] = []
    pyproject = directory / "pyproject.toml"
    try:
        declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        entries = declared.get("project", {}).get("entry-points", {}).get(GROUP, {})
    except (OSError, ValueError, AttributeError) as exc:
        entries, problems = {}, [f"{pyproject} cannot be read ({type(exc).__name__}: {exc})"]
    if not problems and not entries:
        problems.append(
            f'{pyproject} declares no [project.entry-points."{GROUP}"]: '
            "installed, it would not be found"
        )
    folders: list[Path] = []
    for manifest in sorted(directory.rglob(contains)):
        folder = manifest.parent
        rel = folder.relative_to(directory).parts
        if _NOT_SOURCE.intersection(rel) or any(p.endswith(".egg-info") for p in rel):
            continue
        if any(f in folder.parents for f in folders):
            continue  # a manifest inside a scenario (its repo, say) is the scenario's own file
        folders.append(folder)
    if not folders:
        problems.append(f"{directory} holds no scenario (no */{contains})")
    seen: dict[str, Path] = {}
    for folder in folders:
        if folder.name in seen:
            problems.append(
                f"two scenarios are named {folder.name!r} ({seen[folder.name]} and {folder}); "
                "ids must be unique"
            )
        seen.setdefault(folder.name, folder)
    return folders, problems
