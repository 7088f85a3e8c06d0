from datetime import datetime, timezone

import pytest

from logsieve import Level, build_filter, parse_level, parse_line

LINES = [
    "2026-11-27T10:00:00Z DEBUG api.http request started",
    "2026-11-27T10:00:01Z INFO billing.invoices invoice sent",
    "2026-11-27T10:00:02Z ERROR billing payment failed",
    "2026-11-27T10:00:03Z WARNING billingx unrelated",
]
RECORDS = [parse_line(line) for line in LINES]


def _kept(**options):
    keep = build_filter(**options)
    return [r.raw[:20] for r in RECORDS if keep(r)]


def test_no_options_keep_everything():
    assert len(_kept()) == 4


def test_min_level():
    assert len(_kept(min_level=Level.WARNING)) == 2


def test_time_window_is_inclusive_exclusive():
    since = datetime(2026, 11, 27, 10, 0, 1, tzinfo=timezone.utc)
    until = datetime(2026, 11, 27, 10, 0, 3, tzinfo=timezone.utc)
    assert _kept(since=since, until=until) == ["2026-11-27T10:00:01Z", "2026-11-27T10:00:02Z"]


def test_logger_matches_children_but_not_lookalikes():
    assert _kept(logger="billing") == ["2026-11-27T10:00:01Z", "2026-11-27T10:00:02Z"]


def test_level_names():
    assert parse_level("warn") is Level.WARNING
    with pytest.raises(ValueError):
        parse_level("loud")
