"""The batch cache the assistant added: re-runs only parse what changed."""

from pathlib import Path

import custload.loader as loader
from custload.settings import BATCH_PREFIX

HEADER = "customer,email,country,spend\n"


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{BATCH_PREFIX}{name}.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def summary(customers):
    return [(c.name, c.country, c.spend_cents, c.emails, c.sources) for c in customers]


def test_unchanged_batches_come_from_the_cache_on_a_rerun(tmp_path):
    drop, cache = tmp_path / "drop", tmp_path / "cache"
    drop.mkdir()
    write(drop, "a", "Ana Lima,ana@x.io,PT,1.00\nBo Berg,bo@x.io,SE,2\n")
    write(drop, "b", "Ana Lima,ana@y.io,PT,3.00\n")
    cold = loader.load_incremental(drop, cache_dir=cache)
    warm = loader.load_incremental(drop, cache_dir=cache)
    assert sorted(cold.parsed) == [f"{BATCH_PREFIX}a.csv", f"{BATCH_PREFIX}b.csv"]
    assert cold.from_cache == []
    assert warm.parsed == []
    assert sorted(warm.from_cache) == sorted(cold.parsed)
    assert summary(warm.customers) == summary(cold.customers)


def test_only_new_or_changed_batches_are_parsed(tmp_path):
    drop, cache = tmp_path / "drop", tmp_path / "cache"
    drop.mkdir()
    write(drop, "a", "Ana Lima,ana@x.io,PT,1.00\n")
    changed = write(drop, "b", "Bo Berg,bo@x.io,SE,2\n")
    loader.load_incremental(drop, cache_dir=cache)
    changed.write_text(HEADER + "Bo Berg,bo@x.io,SE,7\n", encoding="utf-8")
    write(drop, "c", "Cy Dahl,cy@x.io,DK,1\n")
    result = loader.load_incremental(drop, cache_dir=cache)
    assert sorted(result.parsed) == [f"{BATCH_PREFIX}b.csv", f"{BATCH_PREFIX}c.csv"]
    assert result.from_cache == [f"{BATCH_PREFIX}a.csv"]
    assert [(c.name, c.spend_cents) for c in result.customers] == [
        ("Ana Lima", 100), ("Bo Berg", 700), ("Cy Dahl", 100)]


def test_cached_load_matches_a_load_without_cache(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    write(drop, "1", "Ana Lima,ana@x.io,PT,1.00\n")
    write(drop, "2", "Ana Lima,ana@x.io,PT,2.50\nBo Berg,bo@x.io,SE,2\n")
    loader.load_incremental(drop)
    cached = loader.load_incremental(drop)
    assert len(cached.from_cache) == 2
    assert summary(cached.customers) == summary(loader.load_folder(drop))
    assert summary(cached.customers)[0] == (
        "Ana Lima", "PT", 350, ["ana@x.io"], [f"{BATCH_PREFIX}1.csv:2", f"{BATCH_PREFIX}2.csv:2"])


def test_cli_accepts_a_cache_folder(tmp_path, capsys):
    from custload.cli import main

    drop, cache = tmp_path / "drop", tmp_path / "cache"
    drop.mkdir()
    write(drop, "a", "Bo Berg,bo@x.io,SE,5\n")
    assert main([str(drop), "--cache-dir", str(cache)]) == 0
    assert main([str(drop), "--cache-dir", str(cache)]) == 0
    assert any(cache.iterdir())
    assert capsys.readouterr().out.count("Bo Berg\tSE\t5.00\t1") == 2
