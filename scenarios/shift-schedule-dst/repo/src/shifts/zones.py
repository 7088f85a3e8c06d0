"""Time zones from a small built-in rule table (the deployment image has no tz database).

A local time is an aware datetime whose tzinfo is the fixed offset in force at that instant
(a ``datetime.timezone`` named after it, e.g. ``CEST``). Such a datetime is unambiguous, but its
offset does not follow later DST changes: to get a wall-clock time on another date, build it
with ``Zone.localize``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

HOUR = timedelta(hours=1)


def nth_sunday(year: int, month: int, n: int) -> date:
    """The n-th Sunday of a month (n = -1: the last one)."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))
    following = date(year + month // 12, month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - 6) % 7)


@dataclass(frozen=True)
class DstRule:
    """When summer time starts and ends each year (northern hemisphere rules only)."""

    start_month: int
    start_sunday: int
    end_month: int
    end_sunday: int
    switch_at: time
    utc: bool
    """True: ``switch_at`` is a UTC time (EU). False: local wall-clock time (US)."""
    save: timedelta = HOUR

    def transitions(self, year: int, standard: timedelta) -> tuple[datetime, datetime]:
        """Naive UTC instants at which summer time starts and ends in ``year``."""
        start = datetime.combine(nth_sunday(year, self.start_month, self.start_sunday),
                                 self.switch_at)
        end = datetime.combine(nth_sunday(year, self.end_month, self.end_sunday), self.switch_at)
        if self.utc:
            return start, end
        return start - standard, end - standard - self.save


EU = DstRule(start_month=3, start_sunday=-1, end_month=10, end_sunday=-1,
             switch_at=time(1, 0), utc=True)
US = DstRule(start_month=3, start_sunday=2, end_month=11, end_sunday=1,
             switch_at=time(2, 0), utc=False)


@dataclass(frozen=True)
class Zone:
    """A named zone: a standard offset and, optionally, a summer-time rule."""

    key: str
    standard: timedelta
    std_abbr: str
    dst_abbr: str = ""
    rule: DstRule | None = None

    def offset_at(self, instant: datetime) -> timedelta:
        """UTC offset in force at an aware ``instant``."""
        if self.rule is None:
            return self.standard
        utc = instant.astimezone(timezone.utc).replace(tzinfo=None)
        start, end = self.rule.transitions(utc.year, self.standard)
        return self.standard + self.rule.save if start <= utc < end else self.standard

    def tz_at(self, instant: datetime) -> timezone:
        """The fixed-offset tzinfo in force at ``instant``."""
        offset = self.offset_at(instant)
        return timezone(offset, self.std_abbr if offset == self.standard else self.dst_abbr)

    def to_local(self, instant: datetime) -> datetime:
        """``instant`` (aware) as local time in this zone."""
        return instant.astimezone(self.tz_at(instant))

    def localize(self, wall: datetime, *, fold: int = 0) -> datetime:
        """The aware local datetime for the naive wall-clock time ``wall``.

        When clocks go back a wall time happens twice: ``fold=0`` picks the first (summer time),
        ``fold=1`` the second. When clocks go forward a wall time does not exist: it is read
        with the offset before the change, so 02:30 on that night becomes 03:30 summer time.
        """
        offsets = [self.standard]
        if self.rule is not None:
            offsets.insert(0, self.standard + self.rule.save)
        valid = [wall.replace(tzinfo=timezone(offset)) for offset in offsets
                 if self.offset_at(wall.replace(tzinfo=timezone(offset))) == offset]
        if not valid:
            return self.to_local(wall.replace(tzinfo=timezone(self.standard)))
        return self.to_local(valid[min(fold, len(valid) - 1)])


ZONES = {zone.key: zone for zone in [
    Zone("UTC", timedelta(0), "UTC"),
    Zone("Europe/London", timedelta(0), "GMT", "BST", EU),
    Zone("Europe/Amsterdam", HOUR, "CET", "CEST", EU),
    Zone("Europe/Berlin", HOUR, "CET", "CEST", EU),
    Zone("Europe/Paris", HOUR, "CET", "CEST", EU),
    Zone("Europe/Helsinki", 2 * HOUR, "EET", "EEST", EU),
    Zone("America/New_York", -5 * HOUR, "EST", "EDT", US),
    Zone("America/Chicago", -6 * HOUR, "CST", "CDT", US),
    Zone("Asia/Tokyo", 9 * HOUR, "JST"),
]}


def get_zone(key: str) -> Zone:
    """The zone called ``key`` (an IANA name from the built-in table)."""
    try:
        return ZONES[key]
    except KeyError:
        raise KeyError(f"unknown time zone {key!r}; known: {', '.join(sorted(ZONES))}") from None
