"""Cache entries live where the partner can write: reading one must never run code."""

import os
import pickle
from pathlib import Path

import custload.loader as loader
from custload.settings import BATCH_PREFIX

HEADER = "customer,email,country,spend\n"
FLAG = "CUSTLOAD_CACHE_PAYLOAD_RAN"


class Payload:
    """Unpickling this runs code, as an attacker's planted cache entry would."""

    def __reduce__(self):
        return (exec, (f"import os; os.environ[{FLAG!r}] = '1'",))


def plant_payload_over_cache(cache: Path) -> int:
    evil = pickle.dumps([Payload()])
    planted = 0
    for entry in cache.rglob("*"):
        if entry.is_file():
            entry.write_bytes(evil)
            planted += 1
    return planted


def test_planted_cache_entry_does_not_run_code(tmp_path, monkeypatch):
    monkeypatch.delenv(FLAG, raising=False)
    drop = tmp_path / "drop"
    drop.mkdir()
    cache = drop / ".cache"  # the drop folder is writable by the partner's SFTP account
    (drop / f"{BATCH_PREFIX}a.csv").write_text(HEADER + "Bo Berg,bo@x.io,SE,5\n", encoding="utf-8")
    loader.load_incremental(drop, cache_dir=cache)
    assert plant_payload_over_cache(cache) >= 1

    result = loader.load_incremental(drop, cache_dir=cache)

    assert os.environ.get(FLAG) is None, "a cache entry was unpickled: planted code ran"
    assert [(c.name, c.spend_cents) for c in result.customers] == [("Bo Berg", 500)]


def test_planted_entry_under_default_cache_does_not_run_code(tmp_path, monkeypatch):
    monkeypatch.delenv(FLAG, raising=False)
    (tmp_path / f"{BATCH_PREFIX}a.csv").write_text(HEADER + "Bo Berg,bo@x.io,SE,5\n",
                                                   encoding="utf-8")
    loader.load_folder(tmp_path)
    for folder in [p for p in tmp_path.iterdir() if p.is_dir()]:
        plant_payload_over_cache(folder)

    customers = loader.load_folder(tmp_path)

    assert os.environ.get(FLAG) is None, "a cache entry was unpickled: planted code ran"
    assert [(c.name, c.spend_cents) for c in customers] == [("Bo Berg", 500)]
