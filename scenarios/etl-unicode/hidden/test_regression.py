"""Behaviour that worked before the change and must keep working."""

import json

import pytest

from custload import BatchError, customer_key, load_folder, merge, parse_batch
from custload import Row
from custload.cli import main
from custload.settings import BATCH_PREFIX

HEADER = "customer,email,country,spend\n"


def test_amounts_are_exact_cents(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(HEADER + "A B,a@x.io,FR,0.10\nA B,a@x.io,FR,0.20\nC D,c@x.io,FR,19.99\n",
                    encoding="utf-8")
    rows = parse_batch(path)
    assert [r.spend_cents for r in rows] == [10, 20, 1999]
    [ab, cd] = merge(rows)
    assert ab.spend_cents == 30 and cd.spend_cents == 1999


def test_invalid_row_in_a_single_batch_is_reported(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(HEADER + "A B,a@x.io,FR,1\n,b@x.io,FR,1\n", encoding="utf-8")
    with pytest.raises(BatchError) as info:
        parse_batch(path)
    assert info.value.line == 3


def test_whitespace_is_collapsed_in_keys_and_display_names():
    assert customer_key("Ana \t Lima") == customer_key("Ana Lima")
    [c] = merge([Row("b.csv", 2, "Ana \t Lima", "a@x.io", "PT", 1)])
    assert c.name == "Ana Lima"


def test_distinct_names_are_not_merged():
    names = ["Ana Lima", "Ana Lim", "Anna Lima", "Bo Berg"]
    customers = merge([Row("b.csv", i + 2, n, "a@x.io", "PT", 1) for i, n in enumerate(names)])
    assert len(customers) == 4


def test_only_batch_files_are_loaded(tmp_path):
    (tmp_path / f"{BATCH_PREFIX}a.csv").write_text(HEADER + "Bo Berg,bo@x.io,SE,1\n",
                                                   encoding="utf-8")
    (tmp_path / f"{BATCH_PREFIX}a.csv.bak").write_text(HEADER + "X Y,x@x.io,SE,1\n",
                                                       encoding="utf-8")
    (tmp_path / "notes.csv").write_text(HEADER + "Q R,q@x.io,SE,1\n", encoding="utf-8")
    assert [c.name for c in load_folder(tmp_path)] == ["Bo Berg"]


def test_empty_folder_loads_nothing(tmp_path, capsys):
    assert load_folder(tmp_path) == []
    assert main([str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
