"""Behaviour that worked before structured fields were added."""

import io
from datetime import datetime, timezone

from logsieve import Level, build_filter, parse_level, parse_line
from logsieve.cli import main


def test_parse_line_reads_timestamp_level_logger_and_message():
    record = parse_line("2026-11-27T10:15:02.250Z CRITICAL db.pool pool exhausted size=20\n")
    assert record.timestamp == datetime(2026, 11, 27, 10, 15, 2, 250000, tzinfo=timezone.utc)
    assert record.level is Level.CRITICAL
    assert (record.logger, record.message) == ("db.pool", "pool exhausted size=20")


def test_unknown_format_and_level_are_none():
    assert parse_line("just some text") is None
    assert parse_line("2026-11-27T10:15:02Z NOTICE api hi") is None


def test_level_aliases():
    assert parse_level("FATAL") is Level.CRITICAL
    assert parse_level(" err ") is Level.ERROR


def test_filters_combine():
    records = [
        parse_line("2026-11-27T09:59:59Z ERROR billing early"),
        parse_line("2026-11-27T10:00:00Z ERROR billing.tax on time"),
        parse_line("2026-11-27T10:00:00Z INFO billing quiet"),
    ]
    keep = build_filter(min_level=Level.ERROR, since=datetime(2026, 11, 27, 10, tzinfo=timezone.utc), logger="billing")
    assert [r.message for r in records if keep(r)] == ["on time"]


def test_cli_prints_raw_lines_and_skips_garbage(capsys):
    log = "2026-11-27T10:00:00Z WARN api slow\n???\n"
    out = io.StringIO()
    assert main(["--level", "warning"], stdin=io.StringIO(log), stdout=out) == 0
    assert out.getvalue() == "2026-11-27T10:00:00Z WARN api slow\n"
    assert "skipped 1 line" in capsys.readouterr().err
