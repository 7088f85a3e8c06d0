"""CSV exports of the sales database.

Exports run inside the long-lived scheduler process, dozens a night: every connection and file
handle they open must be closed on every path, and a failed export must not leave half-written files
where the upload job would pick them up.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TextIO

from . import db
from .errors import ExportError, ExportTooLarge
from .formatting import HEADER, format_row
from .settings import MAX_ROWS


@contextmanager
def atomic_csv(path: Path) -> Iterator[TextIO]:
    """Write ``path`` via a temporary file in the same folder, renamed into place on success.

    On any error the temporary file is closed and removed, and ``path`` is left untouched.
    """
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
            yield out
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


def _sales(conn, month: str, region: str | None = None) -> list:
    start, end = db.month_bounds(month)
    sql = "SELECT * FROM sales WHERE sold_at >= ? AND sold_at < ?"
    params: list = [start, end]
    if region is not None:
        sql += " AND region = ?"
        params.append(region)
    return conn.execute(sql + " ORDER BY sold_at, id", params).fetchall()


def export_month(db_path: str, month: str, out_path: Path, *, max_rows: int = MAX_ROWS) -> int:
    """Every sale of ``month`` (``YYYY-MM``) into one CSV; returns the number of sales written."""
    with closing(db.connect(db_path)) as conn:
        rows = _sales(conn, month)
    if not rows:
        raise ExportError(f"no sales in {month}")
    if len(rows) > max_rows:
        raise ExportTooLarge(f"sales for {month}", len(rows), max_rows)
    with atomic_csv(Path(out_path)) as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow(format_row(row))
    return len(rows)
