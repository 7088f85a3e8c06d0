from datetime import datetime, timezone

from logsieve import Level, parse_line


def test_line_is_split_into_its_parts():
    record = parse_line("2026-11-27T10:15:02Z WARN billing.invoices retry 2 of 3\n")
    assert record.timestamp == datetime(2026, 11, 27, 10, 15, 2, tzinfo=timezone.utc)
    assert record.level is Level.WARNING
    assert record.logger == "billing.invoices"
    assert record.message == "retry 2 of 3"
    assert record.raw == "2026-11-27T10:15:02Z WARN billing.invoices retry 2 of 3"


def test_offsets_are_converted_to_utc():
    record = parse_line("2026-11-27T11:15:02+01:00 INFO api ok")
    assert record.timestamp == datetime(2026, 11, 27, 10, 15, 2, tzinfo=timezone.utc)


def test_lines_in_another_format_are_none():
    assert parse_line("Traceback (most recent call last):") is None
    assert parse_line("2026-11-27T10:15:02Z LOUD api hello") is None
    assert parse_line("") is None
