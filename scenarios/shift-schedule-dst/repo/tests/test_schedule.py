from datetime import date, time, timedelta

from shifts import ShiftTemplate, get_zone
from shifts.roster import assign_round_robin, hours_by_person, overlaps
from shifts.schedule import shift_on, shifts_on

BERLIN = get_zone("Europe/Berlin")
EARLY = ShiftTemplate("early", time(6, 0), time(14, 0))
NIGHT = ShiftTemplate("night", time(22, 0), time(6, 0))


def test_day_shift():
    shift = shift_on(EARLY, BERLIN, date(2024, 5, 6))
    assert shift.start.isoformat() == "2024-05-06T06:00:00+02:00"
    assert shift.duration == timedelta(hours=8)


def test_night_shift_over_the_spring_change_is_seven_hours():
    shift = shift_on(NIGHT, BERLIN, date(2024, 3, 30))
    assert shift.end.isoformat() == "2024-03-31T06:00:00+02:00"
    assert shift.duration == timedelta(hours=7)


def test_shifts_on_sorts_and_deduplicates():
    days = [date(2024, 5, 8), date(2024, 5, 6), date(2024, 5, 8)]
    assert [s.day for s in shifts_on(EARLY, BERLIN, days)] == [date(2024, 5, 6), date(2024, 5, 8)]


def test_round_robin_and_hours():
    shifts = shifts_on(NIGHT, BERLIN, [date(2024, 3, 29), date(2024, 3, 30), date(2024, 3, 31)])
    roster = assign_round_robin(shifts, ["ana", "ben"])
    assert [a.person for a in roster] == ["ana", "ben", "ana"]
    assert hours_by_person(roster) == {"ana": 16.0, "ben": 7.0}


def test_overlapping_shifts_for_one_person_are_found():
    night = shift_on(NIGHT, BERLIN, date(2024, 5, 5))
    early = shift_on(EARLY, BERLIN, date(2024, 5, 6))
    late = shift_on(ShiftTemplate("late", time(13, 0), time(21, 0)), BERLIN, date(2024, 5, 6))
    roster = assign_round_robin([night, early, late], ["ana"])
    assert overlaps(roster) == [(roster[1], roster[2])]
