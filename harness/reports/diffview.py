"""Unified diffs as highlighted HTML: the code's own syntax colours on diff-coloured lines.

Each line is tokenised with the lexer for its file (pygments, by file name; plain text when none
fits) and written with inline styles, so the report stays one file with no stylesheet to ship.
Pygments escapes the text it formats; everything else written here is escaped with markupsafe.
The result is therefore safe to drop into a page even when the diff is hostile.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache
from typing import Any

from markupsafe import Markup, escape

_LINE_STYLES = {
    "+": "background:#e6ffec",
    "-": "background:#ffebe9",
    "@": "background:#ddf4ff;color:#57606a",
    "h": "color:#57606a;font-weight:600",
    " ": "",
}


@cache
def _formatter() -> Any:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True, noclasses=True, style="default")


_FINDING = threading.Lock()


@cache
def _lexer(path: str) -> Any:
    from pygments.lexers import get_lexer_for_filename
    from pygments.lexers.special import TextLexer
    from pygments.util import ClassNotFound

    # pygments loads lexer modules lazily; two threads loading at once (a server rendering
    # two reports) made one of them fail with ImportError.
    with _FINDING:
        try:
            return get_lexer_for_filename(path, stripnl=False, ensurenl=False)
        except ClassNotFound:
            return TextLexer(stripnl=False, ensurenl=False)


def _code(text: str, path: str) -> str:
    from pygments import highlight

    if not text:
        return ""
    # Pygments drops a background style per token with noclasses; the line colour shows through.
    out: str = highlight(text, _lexer(path), _formatter())
    return out.rstrip("\n")


def _kind(line: str) -> str:
    if line.startswith(
        (
            "diff --git",
            "--- ",
            "+++ ",
            "index ",
            "new file",
            "deleted file",
            "similarity",
            "rename ",
            "old mode",
            "new mode",
        )
    ):
        return "h"
    if line.startswith("@@"):
        return "@"
    return line[:1] if line[:1] in ("+", "-") else " "


def _code_lines(texts: list[str], path: str) -> list[str]:
    """Each text highlighted, lexed together as one block (one pygments call per run of code
    lines instead of one per line: a 10x faster result page). The formatter closes its spans
    at every line end, so the block splits back into lines; should it ever not, each line is
    highlighted alone."""
    if not texts:
        return []
    block = _code("\n".join(texts) + "\n", path).split("\n")
    if len(block) == len(texts):
        return block
    return [_code(text, path) for text in texts]


@lru_cache(maxsize=256)
def highlight_diff(diff: str) -> Markup:
    """A unified diff as ``<span>`` lines for a ``<pre>``; an empty diff says so.

    Cached by content: a scenario's AI change appears in every report of it, and a server shows
    the same submission's diff again and again."""
    if not diff.strip():
        return Markup('<span style="color:#57606a">(no change)</span>')
    old = path = ""
    rows: list[tuple[str, str]] = []  # (kind, the line), code bodies highlighted in runs
    run: list[int] = []
    code: dict[int, str] = {}

    def flush() -> None:
        for index, html in zip(run, _code_lines([rows[i][1][1:] for i in run], path), strict=True):
            code[index] = html
        run.clear()

    for line in diff.splitlines():
        kind = _kind(line)
        if kind in ("+", "-", " ") and line:
            run.append(len(rows))
        else:
            flush()
            if line.startswith("--- "):
                old = _path(line)
            elif line.startswith("+++ "):
                path = _path(line) or old
        rows.append((kind, line))
    flush()
    lines: list[str] = []
    for index, (kind, line) in enumerate(rows):
        body = f"{escape(line[0])}{code[index]}" if index in code else str(escape(line))
        style = f' style="{_LINE_STYLES[kind]}"' if _LINE_STYLES[kind] else ""
        lines.append(f'<span class="dl"{style}>{body}</span>')
    # Every piece above was escaped by pygments or markupsafe.escape; this is the one place that
    # marks the joined result safe, and tests feed it hostile diffs.
    return Markup("\n".join(lines))  # noqa: S704


def _path(header: str) -> str:
    """The path of a ``--- a/x`` / ``+++ b/x`` line; empty for /dev/null."""
    target = header[4:].strip().split("\t", 1)[0]
    return "" if target == "/dev/null" else target.removeprefix("a/").removeprefix("b/")


def changed_files(diff: str) -> list[str]:
    """Paths a diff touches, in order (for captions; never used to apply anything)."""
    out: list[str] = []
    old = ""
    for line in diff.splitlines():
        if line.startswith("--- "):
            old = _path(line)
        elif line.startswith("+++ "):
            out.append(_path(line) or old)
    return list(dict.fromkeys(p for p in out if p))
