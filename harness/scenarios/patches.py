"""Unified diffs: parse, apply strictly to an in-memory tree, split off protected paths, make.

A tree is ``{posix relative path: bytes}``. Applying never fuzzes: each hunk's context and removed
lines must match exactly (at the stated line, or nearest to it with an offset, as ``git apply``
does), and a hunk that does not match raises PatchError naming the file and the hunk.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from unidiff.errors import UnidiffParseError
from unidiff.patch import Hunk, PatchedFile, PatchSet

from harness.errors import PatchError


@dataclass(frozen=True, kw_only=True)
class FileChange:
    """One file's part of a diff."""

    path: str
    """Path the change is about (target path, or source path for a deletion)."""
    text: str
    """This file's section of the diff, usable as a diff on its own."""
    added: bool
    removed: bool
    binary: bool
    symlink: bool
    added_lines: int
    removed_lines: int


def _strip_prefix(name: str) -> str:
    if name == "/dev/null":
        return name
    for prefix in ("a/", "b/"):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _reason(exc: UnidiffParseError) -> str:
    """unidiff's message on one line: it quotes the offending diff line with its newline."""
    return " ".join(str(exc).split())


def parse(diff_text: str, *, source: str = "patch") -> list[FileChange]:
    """Split a unified diff into per-file changes; raise PatchError when it is not a diff."""
    if not diff_text.strip():
        return []
    try:
        patch = PatchSet(diff_text)
    except UnidiffParseError as exc:
        raise PatchError(
            f"{source} is not a valid unified diff: {_reason(exc)}",
            hint="produce it with `git diff` or `diff -u`",
        ) from exc
    if not len(patch) and diff_text.strip():
        raise PatchError(
            f"{source} contains no file changes", hint="produce it with `git diff` or `diff -u`"
        )
    changes = []
    for pf in patch:
        path = _strip_prefix(pf.target_file if not pf.is_removed_file else pf.source_file)
        header = str(pf.patch_info or "")
        changes.append(
            FileChange(
                path=path,
                text=str(pf),
                added=pf.is_added_file,
                removed=pf.is_removed_file,
                binary=pf.is_binary_file,
                symlink="120000" in header,
                added_lines=pf.added,
                removed_lines=pf.removed,
            )
        )
    return changes


def _hunk_lines(hunk: Hunk) -> tuple[list[str], list[str]]:
    """Old and new lines of a hunk, honouring "\\ No newline at end of file" markers."""
    old: list[str] = []
    new: list[str] = []
    last: str | None = None
    for line in hunk:
        if line.line_type == "\\":
            if last in (" ", "-") and old:
                old[-1] = old[-1].rstrip("\n")
            if last in (" ", "+") and new:
                new[-1] = new[-1].rstrip("\n")
            continue
        if line.line_type in (" ", "-"):
            old.append(line.value)
        if line.line_type in (" ", "+"):
            new.append(line.value)
        last = line.line_type
    return old, new


def _find(lines: list[str], want: list[str], start: int, floor: int) -> int | None:
    """Index where ``want`` occurs in ``lines`` at or after ``floor``, nearest to ``start``."""
    size = len(want)
    limit = len(lines) - size
    for distance in range(max(limit, start) + 1):
        for pos in (start - distance, start + distance) if distance else (start,):
            if floor <= pos <= limit and lines[pos : pos + size] == want:
                return pos
    return None


def _apply_file(pf: PatchedFile, old_text: str, path: str, source: str) -> str:
    lines = old_text.splitlines(keepends=True)
    out: list[str] = []
    cursor = 0
    offset = 0
    for number, hunk in enumerate(pf, start=1):
        old, new = _hunk_lines(hunk)
        stated = max(hunk.source_start - 1, 0) if old else hunk.source_start
        pos = _find(lines, old, stated + offset, cursor)
        if pos is None:
            where = (
                f"hunk {number} of {path} (@@ -{hunk.source_start},{hunk.source_length} "
                f"+{hunk.target_start},{hunk.target_length} @@)"
            )
            at = stated + offset
            first_bad = next(
                (i for i, want in enumerate(old) if at + i >= len(lines) or lines[at + i] != want),
                0,
            )
            got = lines[at + first_bad] if at + first_bad < len(lines) else "<end of file>"
            want = old[first_bad] if old else ""
            raise PatchError(
                f"{source}: {where} does not apply",
                hint=f"line {at + first_bad + 1} is {got.rstrip()!r}, the hunk expects "
                f"{want.rstrip()!r}; regenerate the diff against the starting commit",
            )
        out.extend(lines[cursor:pos])
        out.extend(new)
        cursor = pos + len(old)
        offset = pos - stated
    out.extend(lines[cursor:])
    return "".join(out)


def apply(tree: Mapping[str, bytes], diff_text: str, *, source: str = "patch") -> dict[str, bytes]:
    """Apply a unified diff to a tree and return the new tree; the input is not modified."""
    result = dict(tree)
    if not diff_text.strip():
        return result
    try:
        patch = PatchSet(diff_text)
    except UnidiffParseError as exc:
        raise PatchError(f"{source} is not a valid unified diff: {_reason(exc)}") from exc
    for pf in patch:
        if pf.is_binary_file:
            raise PatchError(
                f"{source}: {pf.path} is a binary change", hint="only text files can be submitted"
            )
        src = _strip_prefix(pf.source_file)
        dst = _strip_prefix(pf.target_file)
        if pf.is_added_file:
            if dst in result:
                raise PatchError(f"{source}: creates {dst}, which already exists")
            result[dst] = _apply_file(pf, "", dst, source).encode("utf-8")
            continue
        if src not in result:
            raise PatchError(
                f"{source}: changes {src}, which does not exist",
                hint="regenerate the diff against the starting commit",
            )
        try:
            old_text = result[src].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PatchError(f"{source}: {src} is not UTF-8 text") from exc
        new_text = _apply_file(pf, old_text, src, source)
        if pf.is_removed_file:
            if new_text:
                raise PatchError(f"{source}: deletes {src} but the file has other content")
            del result[src]
        else:
            del result[src]
            result[dst] = new_text.encode("utf-8")
    return result


def make(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> str:
    """A git-style unified diff turning tree ``old`` into tree ``new`` (text files only)."""
    parts: list[str] = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        a = before.decode("utf-8").splitlines(keepends=True) if before is not None else []
        b = after.decode("utf-8").splitlines(keepends=True) if after is not None else []
        header = [f"diff --git a/{path} b/{path}\n"]
        if before is None:
            header.append("new file mode 100644\n")
        elif after is None:
            header.append("deleted file mode 100644\n")
        body = list(
            difflib.unified_diff(
                a,
                b,
                fromfile=f"a/{path}" if before is not None else "/dev/null",
                tofile=f"b/{path}" if after is not None else "/dev/null",
                n=3,
            )
        )
        fixed: list[str] = []
        for line in body:
            if line.endswith("\n"):
                fixed.append(line)
            else:
                fixed.extend([line + "\n", "\\ No newline at end of file\n"])
        parts.extend(header + fixed)
    return "".join(parts)
