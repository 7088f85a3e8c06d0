"""``python -m custload.cli DROP [--json]``: print the customers of a drop folder."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from custload.loader import load_folder
from custload.parse import BatchError
from custload.records import format_cents


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="custload", description=__doc__)
    parser.add_argument("drop", type=Path, help="folder holding the batch files")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        customers = load_folder(args.drop)
    except BatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        json.dump([c.to_dict() for c in customers], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for c in customers:
            print(f"{c.name}\t{c.country}\t{format_cents(c.spend_cents)}\t{len(c.sources)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
