import pytest

from contactsync.csvsource import SourceError, read_rows


def test_rows_come_with_their_line_numbers(tmp_path):
    export = tmp_path / "customers.csv"
    export.write_text("email,first_name,last_name\na@b.io,A,B\nc@d.io,C,D\n", encoding="utf-8")
    rows = list(read_rows(export))
    assert [line for line, _ in rows] == [2, 3]
    assert rows[1][1]["email"] == "c@d.io"


def test_missing_file_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="cannot open"):
        list(read_rows(tmp_path / "nope.csv"))


def test_missing_column_is_a_source_error(tmp_path):
    export = tmp_path / "customers.csv"
    export.write_text("email,name\na@b.io,A B\n", encoding="utf-8")
    with pytest.raises(SourceError, match="first_name, last_name"):
        list(read_rows(export))
