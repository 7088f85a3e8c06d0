"""``logsieve``: read log lines on stdin, print the ones that match.

    logsieve --level warning --logger billing < app.log
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from typing import TextIO

from .filters import build_filter
from .levels import parse_level
from .records import parse_line


def _when(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="logsieve", description="Print the log lines that match.")
    parser.add_argument("--level", type=parse_level, help="minimum level (debug ... critical)")
    parser.add_argument("--since", type=_when, help="ISO timestamp, inclusive")
    parser.add_argument("--until", type=_when, help="ISO timestamp, exclusive")
    parser.add_argument("--logger", help="logger name; its children match too")
    parser.add_argument("--count", action="store_true", help="print only the number of matches")
    return parser


def _predicate(args: argparse.Namespace):
    return build_filter(min_level=args.level, since=args.since, until=args.until, logger=args.logger)


def main(argv: list[str] | None = None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Filter ``stdin`` to ``stdout``. Lines not in our format are skipped and counted on stderr."""
    args = _parser().parse_args(argv)
    keep = _predicate(args)
    matched = skipped = 0
    for line in stdin:
        record = parse_line(line)
        if record is None:
            skipped += 1
            continue
        if keep(record):
            matched += 1
            if not args.count:
                stdout.write(record.raw + "\n")
    if args.count:
        stdout.write(f"{matched}\n")
    if skipped:
        print(f"logsieve: skipped {skipped} line(s) not in the log format", file=sys.stderr)
    return 0
