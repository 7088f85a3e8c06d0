"""Turning shift templates into concrete shifts in a zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from shifts.model import Shift, ShiftTemplate
from shifts.zones import Zone


def shift_on(template: ShiftTemplate, zone: Zone, day: date) -> Shift:
    """The shift of ``template`` starting on local date ``day``."""
    start = zone.localize(datetime.combine(day, template.start))
    end_day = day + timedelta(days=1) if template.overnight else day
    end = zone.localize(datetime.combine(end_day, template.end))
    return Shift(start=start, end=end, name=template.name)


def shifts_on(template: ShiftTemplate, zone: Zone, days: Iterable[date]) -> list[Shift]:
    """Shifts of ``template`` on each of ``days``, in order (duplicates dropped)."""
    return [shift_on(template, zone, day) for day in sorted(set(days))]
