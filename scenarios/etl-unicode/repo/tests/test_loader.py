import json

from custload import load_folder
from custload.cli import main
from custload.settings import BATCH_PREFIX

HEADER = "customer,email,country,spend\n"


def test_every_batch_is_loaded_and_merged(tmp_path):
    (tmp_path / f"{BATCH_PREFIX}2.csv").write_text(HEADER + "Ana Lima,ana@x.io,PT,1.00\n")
    (tmp_path / f"{BATCH_PREFIX}1.csv").write_text(HEADER + "Ana Lima,ana@x.io,PT,2.00\n"
                                                   "Bo Berg,bo@x.io,SE,5\n")
    (tmp_path / "README.txt").write_text("not a batch")
    (tmp_path / "other.csv").write_text("not,a,batch\n")
    customers = load_folder(tmp_path)
    assert [(c.name, c.spend_cents) for c in customers] == [("Ana Lima", 300), ("Bo Berg", 500)]
    ana = customers[0]
    assert ana.sources == [f"{BATCH_PREFIX}1.csv:2", f"{BATCH_PREFIX}2.csv:2"]


def test_cli_prints_json(tmp_path, capsys):
    (tmp_path / f"{BATCH_PREFIX}a.csv").write_text(HEADER + "Bo Berg,bo@x.io,SE,5.5\n")
    assert main([str(tmp_path), "--json"]) == 0
    [record] = json.loads(capsys.readouterr().out)
    assert record["name"] == "Bo Berg"
    assert record["spend"] == "5.50"
