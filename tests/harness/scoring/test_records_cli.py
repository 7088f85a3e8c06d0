"""``dsim records``: import (idempotent), list and delete from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from harness.cli import cli

HEADER = "engineer,date,source,dimension,outcome,weight,note\n"
ROWS = (
    "ada,2026-03-14,jira PAY-812,catch,fail,,shipped a float rounding bug the AI introduced\n"
    "ada,2026-04-02,github #233,,pass,2,clean review of an AI refactor\n"
    "bo,2026-04-03,github #240,keep,pass,,kept the helper\n"
)


def write(tmp_path: Path, text: str, name: str = "delivery.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_records_cli_imports_lists_and_deletes(tmp_path):
    runner = CliRunner()
    home = ["--home", str(tmp_path / "home")]
    path = write(tmp_path, HEADER + ROWS)
    first = runner.invoke(cli, [*home, "records", "import", str(path)])
    second = runner.invoke(cli, [*home, "records", "import", str(path)])
    assert first.exit_code == 0 and "imported 3 new record(s); 0 already present" in first.output
    assert "imported 0 new record(s); 3 already present" in second.output
    listed = runner.invoke(cli, [*home, "records", "list", "--candidate", "Ada", "--json"])
    rows = json.loads(listed.output)
    assert [(r["date"], r["source"], r["outcome"]) for r in rows] == [
        ("2026-03-14", "jira PAY-812", "fail"),
        ("2026-04-02", "github #233", "pass"),
    ]
    deleted = runner.invoke(cli, [*home, "records", "delete", rows[0]["id"], "--by", "lee"])
    assert deleted.exit_code == 0 and "by lee" in deleted.output
    after = json.loads(runner.invoke(cli, [*home, "records", "list", "--json"]).output)
    assert len(after) == 2
    audit = runner.invoke(cli, [*home, "records", "list", "--deleted", "--json"])
    [tomb] = [r for r in json.loads(audit.output) if r["deleted"]]
    assert tomb["id"] == rows[0]["id"] and tomb["deleted"]["by"] == "lee"


def test_records_list_prints_a_table_and_says_when_there_is_nothing(tmp_path):
    runner = CliRunner()
    home = ["--home", str(tmp_path / "home")]
    assert "No delivery records." in runner.invoke(cli, [*home, "records", "list"]).output
    runner.invoke(cli, [*home, "records", "import", str(write(tmp_path, HEADER + ROWS))])
    lines = runner.invoke(cli, [*home, "records", "list", "--candidate", "bo"]).output.splitlines()
    assert lines[0].split() == [
        "ID",
        "CANDIDATE",
        "DATE",
        "SOURCE",
        "DIMENSION",
        "OUTCOME",
        "WEIGHT",
    ]
    assert len(lines) == 2 and "github #240" in lines[1] and "keep" in lines[1]
