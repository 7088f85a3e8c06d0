"""Load a whole drop folder.

The folder holds our CRM exports and the partner's exports side by side. Every batch is parsed and
all rows are merged into customers. Downstream billing treats the result as complete, so a
malformed batch stops the load with a BatchError naming the file and line: the operator gets the
export fixed and re-runs. Never return a partial set.
"""

from __future__ import annotations

from pathlib import Path

from custload.dedup import merge
from custload.parse import parse_batch
from custload.records import Customer
from custload.settings import BATCH_PREFIX


def batch_files(drop: Path) -> list[Path]:
    """The batch files in ``drop``, by name."""
    return sorted(
        path for path in drop.iterdir()
        if path.is_file() and path.name.startswith(BATCH_PREFIX) and path.suffix == ".csv"
    )


def load_folder(drop: Path) -> list[Customer]:
    """Parse every batch in ``drop`` and merge the rows into customers."""
    rows = []
    for path in batch_files(drop):
        rows.extend(parse_batch(path))
    return merge(rows)
