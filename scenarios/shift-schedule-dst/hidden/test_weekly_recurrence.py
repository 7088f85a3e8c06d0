"""The ticket: weekly recurring shifts (weekdays by number or name, every N weeks)."""

from datetime import date, time

import pytest

from shifts import ShiftTemplate, get_zone, schedule, settings
from shifts.roster import assign_round_robin, hours_by_person

TEAM = get_zone(settings.TEAM_ZONE)
DAY = ShiftTemplate("day", time(9, 0), time(17, 0))


def test_weekly_shifts_on_two_weekdays():
    shifts = schedule.weekly_shifts(DAY, TEAM, ["tue", "thu"], date(2024, 7, 1),
                                    date(2024, 7, 14))
    assert [s.day for s in shifts] == [date(2024, 7, 2), date(2024, 7, 4), date(2024, 7, 9),
                                       date(2024, 7, 11)]
    assert all(s.name == "day" for s in shifts)
    assert all((s.start.hour, s.end.hour) == (9, 17) for s in shifts)


def test_weekdays_by_number_or_any_spelling_of_the_name():
    by_name = schedule.weekly_shifts(DAY, TEAM, ["mon", "wed", "fri"], date(2024, 7, 1),
                                     date(2024, 7, 7))
    mixed = schedule.weekly_shifts(DAY, TEAM, [0, "Wednesday", " FRI "], date(2024, 7, 1),
                                   date(2024, 7, 7))
    assert by_name == mixed
    assert len(by_name) == 3


def test_every_other_week_from_a_monday():
    shifts = schedule.weekly_shifts(DAY, TEAM, ["mon"], date(2024, 7, 1), date(2024, 7, 28),
                                    every=2)
    assert [s.day for s in shifts] == [date(2024, 7, 1), date(2024, 7, 15)]


@pytest.mark.parametrize(("weekdays", "every"), [([], 1), (["mon"], 0), ([7], 1),
                                                 (["someday"], 1)])
def test_bad_arguments_are_rejected(weekdays, every):
    with pytest.raises(ValueError):
        schedule.weekly_shifts(DAY, TEAM, weekdays, date(2024, 7, 1), date(2024, 7, 28),
                               every=every)


def test_weekly_shifts_feed_the_roster():
    shifts = schedule.weekly_shifts(DAY, TEAM, ["tue", "thu"], date(2024, 7, 1),
                                    date(2024, 7, 14))
    roster = assign_round_robin(shifts, ["ana", "ben"])
    assert hours_by_person(roster) == {"ana": 16.0, "ben": 16.0}
