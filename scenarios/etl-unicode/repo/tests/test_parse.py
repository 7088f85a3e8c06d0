from pathlib import Path

import pytest

from custload import BatchError, parse_batch

HEADER = "customer,email,country,spend\n"


def write(tmp_path: Path, text: str, name: str = "b.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_are_validated_and_tidied(tmp_path):
    path = write(tmp_path, HEADER + "  Ada Lovelace ,ADA@Example.org,gb,12.50\n")
    [row] = parse_batch(path)
    assert row.name == "Ada Lovelace"
    assert row.email == "ada@example.org"
    assert row.country == "GB"
    assert row.spend_cents == 1250
    assert (row.batch, row.line) == ("b.csv", 2)


def test_byte_order_mark_and_extra_columns_are_tolerated(tmp_path):
    path = write(tmp_path, "\ufeffnote,customer,email,country,spend\nvip,Bo,bo@x.io,SE,3\n")
    [row] = parse_batch(path)
    assert (row.name, row.spend_cents) == ("Bo", 300)


def test_missing_column_is_reported_on_the_header_line(tmp_path):
    path = write(tmp_path, "customer,email,spend\nBo,bo@x.io,3\n")
    with pytest.raises(BatchError) as info:
        parse_batch(path)
    assert info.value.line == 1
    assert "country" in str(info.value)


@pytest.mark.parametrize("spend", ["abc", "-1", "1.005", "NaN"])
def test_bad_amounts_name_the_line(tmp_path, spend):
    path = write(tmp_path, HEADER + "Bo,bo@x.io,SE,1\n" + f"Cy,cy@x.io,SE,{spend}\n")
    with pytest.raises(BatchError) as info:
        parse_batch(path)
    assert (info.value.batch, info.value.line) == ("b.csv", 3)


def test_bad_email_and_country_are_rejected(tmp_path):
    with pytest.raises(BatchError, match="email"):
        parse_batch(write(tmp_path, HEADER + "Bo,bo.x.io,SE,1\n"))
    with pytest.raises(BatchError, match="country"):
        parse_batch(write(tmp_path, HEADER + "Bo,bo@x.io,SWE,1\n"))
