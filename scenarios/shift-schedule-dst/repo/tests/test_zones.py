from datetime import date, datetime, timedelta, timezone

import pytest

from shifts import get_zone
from shifts.zones import nth_sunday


def test_nth_sunday():
    assert nth_sunday(2024, 3, -1) == date(2024, 3, 31)
    assert nth_sunday(2024, 10, -1) == date(2024, 10, 27)
    assert nth_sunday(2024, 3, 2) == date(2024, 3, 10)
    assert nth_sunday(2024, 12, -1) == date(2024, 12, 29)


@pytest.mark.parametrize(("utc", "offset"), [
    (datetime(2024, 3, 31, 0, 59), 1), (datetime(2024, 3, 31, 1, 0), 2),
    (datetime(2024, 10, 27, 0, 59), 2), (datetime(2024, 10, 27, 1, 0), 1),
])
def test_berlin_switches_at_one_utc(utc, offset):
    zone = get_zone("Europe/Berlin")
    assert zone.offset_at(utc.replace(tzinfo=timezone.utc)) == timedelta(hours=offset)


def test_localize_in_summer_and_winter():
    zone = get_zone("Europe/Berlin")
    winter = zone.localize(datetime(2024, 1, 15, 9, 0))
    summer = zone.localize(datetime(2024, 7, 15, 9, 0))
    assert winter.utcoffset() == timedelta(hours=1)
    assert summer.utcoffset() == timedelta(hours=2)
    assert summer.tzname() == "CEST"


def test_wall_time_in_the_spring_gap_moves_forward():
    moved = get_zone("Europe/Berlin").localize(datetime(2024, 3, 31, 2, 30))
    assert (moved.hour, moved.minute, moved.tzname()) == (3, 30, "CEST")


def test_repeated_wall_time_uses_fold():
    zone = get_zone("Europe/Berlin")
    first = zone.localize(datetime(2024, 10, 27, 2, 30))
    second = zone.localize(datetime(2024, 10, 27, 2, 30), fold=1)
    assert second - first == timedelta(hours=1)


def test_new_york_rules():
    zone = get_zone("America/New_York")
    assert zone.localize(datetime(2024, 3, 10, 1, 59)).tzname() == "EST"
    assert zone.localize(datetime(2024, 3, 10, 3, 0)).tzname() == "EDT"
    assert zone.localize(datetime(2024, 11, 3, 1, 30), fold=1).tzname() == "EST"


def test_unknown_zone():
    with pytest.raises(KeyError):
        get_zone("Mars/Olympus_Mons")
