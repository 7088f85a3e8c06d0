"""Shift planning for the support team: shift templates, time zones, schedules and rosters."""

from shifts.model import Shift, ShiftTemplate
from shifts.zones import Zone, get_zone

__all__ = ["Shift", "ShiftTemplate", "Zone", "get_zone"]
