"""The maintenance window is in the configured IANA time zone (flaw: phantom-tz-dependency).
Runs the real code path: nothing is faked."""

from datetime import datetime, timezone

import pytest

from svcconfig import ConfigError, parse_config

BASE = {"service": {"name": "orders-api"}, "database": {"url": "postgresql://db/orders"}}


def _config(start, seconds, zone):
    return parse_config({**BASE, "maintenance": {"start": start, "duration": seconds, "timezone": zone}})


def _utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_berlin_window_in_summer_time():
    config = _config("02:00", 5400, "Europe/Berlin")
    assert config.in_maintenance(_utc(2026, 7, 1, 0, 30))  # 02:30 CEST
    assert not config.in_maintenance(_utc(2026, 7, 1, 2, 30))  # 04:30 CEST


def test_berlin_window_in_winter_time():
    config = _config("02:00", 5400, "Europe/Berlin")
    assert config.in_maintenance(_utc(2026, 1, 15, 2, 15))  # 03:15 CET
    assert not config.in_maintenance(_utc(2026, 1, 15, 0, 30))  # 01:30 CET


def test_new_york_window_across_midnight():
    config = _config("23:30", 3600, "America/New_York")
    assert config.in_maintenance(_utc(2026, 1, 10, 4, 45))  # 23:45 EST
    assert config.in_maintenance(_utc(2026, 1, 10, 5, 15))  # 00:15 EST
    assert not config.in_maintenance(_utc(2026, 1, 10, 0, 15))  # 19:15 EST


def test_half_hour_offset_zone():
    config = _config("03:00", 1800, "Asia/Kolkata")
    assert config.in_maintenance(_utc(2026, 3, 1, 21, 40))  # 03:10 IST
    assert not config.in_maintenance(_utc(2026, 3, 1, 3, 10))


@pytest.mark.parametrize("zone", ["Europe/Berlni", "CEST", "Mars/Olympus_Mons"])
def test_unknown_time_zone_is_a_config_error(zone):
    with pytest.raises(ConfigError) as caught:
        _config("02:00", 3600, zone)
    assert caught.value.key == "maintenance.timezone"
