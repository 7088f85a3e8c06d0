from datetime import timedelta

import pytest

from svcconfig import format_duration, parse_duration


@pytest.mark.parametrize(
    "text, expected",
    [
        ("45", timedelta(seconds=45)),
        ("500ms", timedelta(milliseconds=500)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("2d", timedelta(days=2)),
        ("1.5s", timedelta(seconds=1.5)),
        (" 1H 5S ", timedelta(hours=1, seconds=5)),
    ],
)
def test_parse(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "m", "5 minutes", "1h1h", "10x", "-5s"])
def test_garbage_is_refused(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_format_round_trips():
    for value in (timedelta(minutes=90), timedelta(milliseconds=1500), timedelta(days=1, seconds=1)):
        assert parse_duration(format_duration(value)) == value
