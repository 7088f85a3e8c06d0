"""A row that cannot be written leaves no open handle and no stray file (flaw: temp-file-leak)."""

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from reports import ExportError, export_by_region
from reports.db import connect, insert_sales

REPORT_NAME = re.compile(r"^[a-z]+-2026-02\.csv$")


@pytest.fixture
def tmp_path():
    """A fresh folder per test (pytest's own tmp_path registers atexit hooks the grader reports)."""
    path = Path(tempfile.mkdtemp(prefix="dsim-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def out_dir(tmp_path):
    path = tmp_path / "out"
    path.mkdir()
    return path


def _db(tmp_path, rows):
    (tmp_path / "data").mkdir()
    path = str(tmp_path / "data" / "sales.sqlite3")
    conn = connect(path)
    insert_sales(conn, rows)
    conn.close()
    return path


GOOD = [
    (1, "north", "2026-02-03T10:00:00", "MUG-01", 2, 2400),
    (2, "south", "2026-02-04T09:00:00", "CAP-02", 1, 1550),
    (3, "west", "2026-02-09T11:00:00", "CAP-02", 2, 3100),
]
BAD_SOUTH = (4, "south", "2026-02-06T13:15:00", "BAG-03", 1, None)


def _handles_into(folder):
    """Paths under ``folder`` this process holds open (Linux /proc)."""
    folder = os.path.realpath(folder)
    held = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(folder + os.sep):
            held.append(target)
    return held


def test_no_temporary_file_is_left_in_the_output_folder(tmp_path, out_dir):
    db_path = _db(tmp_path, GOOD + [BAD_SOUTH])
    with pytest.raises(ExportError):
        export_by_region(db_path, "2026-02", out_dir)
    names = sorted(p.name for p in out_dir.iterdir())
    assert all(REPORT_NAME.match(n) for n in names), f"stray files in the output folder: {names}"
    assert "south-2026-02.csv" not in names


def test_no_file_handle_stays_open_after_the_failure(tmp_path, out_dir):
    db_path = _db(tmp_path, GOOD + [BAD_SOUTH])
    with pytest.raises(ExportError) as failure:
        export_by_region(db_path, "2026-02", out_dir)
    # The exception (and so the failed call's frames) is still alive here: a file the export
    # forgot to close is still open now, whatever the garbage collector would do later.
    assert failure.value is not None
    assert _handles_into(out_dir) == []


def test_failure_in_the_first_region_leaves_the_folder_empty(tmp_path, out_dir):
    db_path = _db(tmp_path, [(7, "east", "2026-02-01T09:00:00", "MUG-01", 1, None)] + GOOD)
    with pytest.raises(ExportError):
        export_by_region(db_path, "2026-02", out_dir)
    assert list(out_dir.iterdir()) == []
