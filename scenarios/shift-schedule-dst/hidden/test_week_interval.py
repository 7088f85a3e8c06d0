"""every=N counts calendar weeks (Monday to Sunday) from the week that contains first_day."""

from datetime import date, time

from shifts import ShiftTemplate, get_zone, schedule, settings

TEAM = get_zone(settings.TEAM_ZONE)
DAY = ShiftTemplate("day", time(9, 0), time(17, 0))


def weekly(*args, **kwargs):
    return schedule.weekly_shifts(*args, **kwargs)


def test_every_other_week_starting_mid_week():
    shifts = weekly(DAY, TEAM, ["mon", "wed"], date(2024, 7, 3), date(2024, 7, 30),
                           every=2)
    assert [s.day for s in shifts] == [date(2024, 7, 3), date(2024, 7, 15), date(2024, 7, 17),
                                       date(2024, 7, 29)]


def test_every_third_week_starting_on_a_sunday():
    shifts = weekly(DAY, TEAM, ["mon", "sun"], date(2024, 7, 7), date(2024, 8, 5),
                           every=3)
    assert [s.day for s in shifts] == [date(2024, 7, 7), date(2024, 7, 22), date(2024, 7, 28)]


def test_off_weeks_have_no_shifts_at_all():
    shifts = weekly(DAY, TEAM, ["mon", "tue", "wed", "thu", "fri"], date(2024, 7, 4),
                           date(2024, 7, 26), every=2)
    weeks = {s.day.isocalendar().week for s in shifts}
    assert weeks == {27, 29}
    assert len(shifts) == 7
