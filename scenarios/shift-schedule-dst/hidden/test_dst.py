"""Weekly shifts start at the template's local wall-clock time, whatever DST does."""

from datetime import date, time, timedelta

from shifts import ShiftTemplate, get_zone, schedule, settings

TEAM = get_zone(settings.TEAM_ZONE)
DAY = ShiftTemplate("day", time(9, 0), time(17, 0))


def weekly(*args, **kwargs):
    return schedule.weekly_shifts(*args, **kwargs)


def _local(shifts):
    return [(s.start.date().isoformat(), s.start.strftime("%H:%M"), s.end.strftime("%H:%M"))
            for s in shifts]


def test_start_stays_at_nine_local_across_the_spring_change():
    shifts = weekly(DAY, TEAM, ["mon"], date(2024, 3, 18), date(2024, 4, 9))
    assert _local(shifts) == [("2024-03-18", "09:00", "17:00"), ("2024-03-25", "09:00", "17:00"),
                              ("2024-04-01", "09:00", "17:00"), ("2024-04-08", "09:00", "17:00")]
    assert [s.start.utcoffset() for s in shifts] == [timedelta(hours=h) for h in (1, 1, 2, 2)]


def test_start_stays_at_nine_local_across_the_autumn_change():
    shifts = weekly(DAY, TEAM, [0, 3], date(2024, 10, 21), date(2024, 11, 5))
    assert _local(shifts) == [("2024-10-21", "09:00", "17:00"), ("2024-10-24", "09:00", "17:00"),
                              ("2024-10-28", "09:00", "17:00"), ("2024-10-31", "09:00", "17:00"),
                              ("2024-11-04", "09:00", "17:00")]


def test_night_shift_on_the_spring_change_night_is_seven_hours():
    night = ShiftTemplate("night", time(22, 0), time(6, 0))
    shifts = weekly(night, TEAM, ["sat"], date(2024, 3, 23), date(2024, 4, 1))
    assert _local(shifts) == [("2024-03-23", "22:00", "06:00"), ("2024-03-30", "22:00", "06:00")]
    assert [s.duration for s in shifts] == [timedelta(hours=8), timedelta(hours=7)]


def test_evening_shift_in_new_york_lands_on_the_local_weekday():
    evening = ShiftTemplate("evening", time(20, 0), time(23, 30))
    shifts = weekly(evening, get_zone("America/New_York"), ["mon"], date(2024, 6, 3),
                           date(2024, 6, 19))
    assert _local(shifts) == [("2024-06-03", "20:00", "23:30"), ("2024-06-10", "20:00", "23:30"),
                              ("2024-06-17", "20:00", "23:30")]
