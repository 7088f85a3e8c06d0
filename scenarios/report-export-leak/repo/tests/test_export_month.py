import csv

import pytest

from reports import ExportError, ExportTooLarge, export_month
from reports.db import connect, insert_sales, month_bounds


@pytest.fixture
def db_path(tmp_path):
    path = str(tmp_path / "sales.sqlite3")
    conn = connect(path)
    insert_sales(conn, [
        (1, "north", "2026-02-03T10:00:00", "MUG-01", 2, 2400),
        (2, "south", "2026-02-28T23:59:59", "CAP-02", 1, 1550),
        (3, "north", "2026-03-01T00:00:00", "MUG-01", 1, 1200),
    ])
    conn.close()
    return path


def test_month_bounds():
    assert month_bounds("2026-02") == ("2026-02-01", "2026-03-01")
    assert month_bounds("2026-12") == ("2026-12-01", "2027-01-01")


def test_export_month_writes_the_months_sales(db_path, tmp_path):
    out = tmp_path / "feb.csv"
    assert export_month(db_path, "2026-02", out) == 2
    with out.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["sale_id", "date", "sku", "quantity", "amount"],
        ["1", "2026-02-03", "MUG-01", "2", "24.00"],
        ["2", "2026-02-28", "CAP-02", "1", "15.50"],
    ]


def test_empty_and_oversized_months_are_refused(db_path, tmp_path):
    with pytest.raises(ExportError):
        export_month(db_path, "2026-04", tmp_path / "apr.csv")
    with pytest.raises(ExportTooLarge):
        export_month(db_path, "2026-02", tmp_path / "feb.csv", max_rows=1)


def test_a_failed_export_leaves_nothing_behind(db_path, tmp_path):
    conn = connect(db_path)
    insert_sales(conn, [(4, "south", "2026-02-10T12:00:00", "BAG-03", 1, None)])
    conn.close()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(ExportError):
        export_month(db_path, "2026-02", out_dir / "feb.csv")
    assert list(out_dir.iterdir()) == []
