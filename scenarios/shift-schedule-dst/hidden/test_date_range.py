"""The range is from first_day to last_day inclusive."""

from datetime import date, time

from shifts import ShiftTemplate, get_zone, schedule, settings

TEAM = get_zone(settings.TEAM_ZONE)
DAY = ShiftTemplate("day", time(9, 0), time(17, 0))


def weekly(*args, **kwargs):
    return schedule.weekly_shifts(*args, **kwargs)


def test_last_day_is_included():
    shifts = weekly(DAY, TEAM, ["mon", "wed", "fri"], date(2024, 7, 1), date(2024, 7, 5))
    assert [s.day for s in shifts] == [date(2024, 7, 1), date(2024, 7, 3), date(2024, 7, 5)]


def test_single_day_range():
    shifts = weekly(DAY, TEAM, ["wed"], date(2024, 7, 3), date(2024, 7, 3))
    assert [s.day for s in shifts] == [date(2024, 7, 3)]


def test_evening_shift_on_the_last_day_is_included():
    late = ShiftTemplate("late", time(23, 0), time(7, 0))
    shifts = weekly(late, TEAM, ["sun"], date(2024, 7, 1), date(2024, 7, 14))
    assert [s.day for s in shifts] == [date(2024, 7, 7), date(2024, 7, 14)]
