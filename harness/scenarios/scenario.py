"""Scenarios on disk: where they are, what their files are called, and loading them.

This is the one module that knows the file names of the scenario format. The built-in library is
found through package data (the ``scenarios`` package), never through the current directory.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from harness.errors import InvalidInput, NotFound
from harness.scenarios.manifest import Manifest, parse_manifest

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
        """How to find this scenario again: its id when built in, else its absolute folder."""
        builtin = builtin_root() / self.id
        if builtin.resolve() == self.path.resolve():
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


def builtin_ids() -> list[str]:
    root = builtin_root()
    return sorted(p.name for p in root.iterdir() if (p / MANIFEST).is_file())


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


def resolve(ref: str) -> Scenario:
    """Find a scenario by built-in id or by folder path."""
    candidate = Path(ref)
    if (candidate / MANIFEST).is_file():
        return load(candidate)
    builtin = builtin_root() / ref
    if (builtin / MANIFEST).is_file():
        return load(builtin)
    known = ", ".join(builtin_ids()) or "(none)"
    close = fnmatch.filter(builtin_ids(), f"*{ref}*")
    hint = f"did you mean {', '.join(close)}?" if close else f"known scenarios: {known}"
    raise NotFound(f"no scenario {ref!r}", hint=hint)


def library() -> list[Scenario]:
    """Every built-in scenario, loaded."""
    return [load(builtin_root() / sid) for sid in builtin_ids()]
