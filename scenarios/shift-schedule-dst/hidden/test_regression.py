"""Behaviour that worked before the change and must keep working."""

from datetime import date, datetime, time, timedelta, timezone

import pytest

from shifts import ShiftTemplate, get_zone, settings
from shifts.roster import assign_round_robin, hours_by_person, overlaps
from shifts.schedule import shift_on, shifts_on

TEAM = get_zone(settings.TEAM_ZONE)
NIGHT = ShiftTemplate("night", time(22, 0), time(6, 0))


def test_team_zone_is_central_european():
    assert TEAM.offset_at(datetime(2024, 1, 1, tzinfo=timezone.utc)) == timedelta(hours=1)
    assert TEAM.offset_at(datetime(2024, 7, 1, tzinfo=timezone.utc)) == timedelta(hours=2)


def test_shift_on_is_local_on_both_sides_of_the_change():
    day = ShiftTemplate("day", time(9, 0), time(17, 0))
    before = shift_on(day, TEAM, date(2024, 3, 29))
    after = shift_on(day, TEAM, date(2024, 4, 2))
    assert before.start.isoformat() == "2024-03-29T09:00:00+01:00"
    assert after.start.isoformat() == "2024-04-02T09:00:00+02:00"


def test_night_shift_over_the_autumn_change_is_nine_hours():
    shift = shift_on(NIGHT, TEAM, date(2024, 10, 26))
    assert shift.duration == timedelta(hours=9)


def test_shifts_on_explicit_days():
    days = [date(2024, 3, 31), date(2024, 3, 30)]
    assert [s.duration for s in shifts_on(NIGHT, TEAM, days)] == [timedelta(hours=7),
                                                                  timedelta(hours=8)]


def test_localize_gap_and_fold():
    assert TEAM.localize(datetime(2024, 3, 31, 2, 30)).isoformat() == "2024-03-31T03:30:00+02:00"
    assert TEAM.localize(datetime(2024, 10, 27, 2, 30), fold=1).isoformat() == \
        "2024-10-27T02:30:00+01:00"


def test_roster_hours_and_overlaps():
    shifts = shifts_on(NIGHT, TEAM, [date(2024, 10, 25), date(2024, 10, 26)])
    roster = assign_round_robin(shifts, ["ana", "ben"])
    assert hours_by_person(roster) == {"ana": 8.0, "ben": 9.0}
    assert overlaps(roster) == []


def test_template_must_have_a_length():
    with pytest.raises(ValueError):
        ShiftTemplate("broken", time(9, 0), time(9, 0))
