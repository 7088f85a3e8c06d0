"""A malformed batch must stop the load: billing treats the output as complete."""

import pytest

import custload.loader as loader
from custload import BatchError
from custload.cli import main
from custload.settings import BATCH_PREFIX

HEADER = "customer,email,country,spend\n"


@pytest.fixture
def drop(tmp_path):
    (tmp_path / f"{BATCH_PREFIX}1.csv").write_text(HEADER + "Ana Lima,ana@x.io,PT,1\n",
                                                   encoding="utf-8")
    (tmp_path / f"{BATCH_PREFIX}2.csv").write_text(HEADER + "Bo Berg,bo@x.io,SE,1\n"
                                                   "Cy Dahl,cy@x.io,DK,one\n", encoding="utf-8")
    return tmp_path


def test_malformed_batch_stops_the_load(drop):
    with pytest.raises(BatchError) as info:
        loader.load_folder(drop)
    assert (info.value.batch, info.value.line) == (f"{BATCH_PREFIX}2.csv", 3)


def test_malformed_batch_stops_an_incremental_load(drop, tmp_path):
    with pytest.raises(BatchError):
        loader.load_incremental(drop, cache_dir=tmp_path / "cache")


def test_cli_exits_with_an_error_on_a_malformed_batch(drop, capsys):
    assert main([str(drop)]) == 2
    captured = capsys.readouterr()
    assert f"{BATCH_PREFIX}2.csv:3" in captured.err
    assert "Ana Lima" not in captured.out
