"""The [cache], [retry] and [maintenance] sections (keep: new-sections)."""

from datetime import datetime, timedelta, timezone

import pytest

from svcconfig import ConfigError, load_config, parse_config

BASE = {"service": {"name": "orders-api", "port": 8080}, "database": {"url": "postgresql://db/orders"}}


def _config(**sections):
    return parse_config({**BASE, **sections})


def test_numbers_are_seconds():
    config = _config(cache={"ttl": 120, "max_entries": 50}, retry={"attempts": 2, "backoff": 0.25, "max_backoff": 4})
    assert config.cache.ttl == timedelta(minutes=2)
    assert config.cache.max_entries == 50
    assert (config.retry.attempts, config.retry.backoff, config.retry.max_backoff) == (2, timedelta(seconds=0.25), timedelta(seconds=4))


def test_defaults_when_sections_are_missing():
    config = _config()
    assert (config.cache.ttl, config.cache.max_entries) == (timedelta(minutes=5), 1000)
    assert (config.retry.attempts, config.retry.backoff, config.retry.max_backoff) == (3, timedelta(seconds=1), timedelta(seconds=30))
    assert config.maintenance is None
    assert not config.in_maintenance(datetime(2026, 6, 1, 2, 30, tzinfo=timezone.utc))


def test_retry_delay_doubles_up_to_the_cap():
    retry = _config(retry={"backoff": 1, "max_backoff": 10}).retry
    assert [retry.delay(n) for n in (1, 2, 3, 4, 5)] == [timedelta(seconds=s) for s in (1, 2, 4, 8, 10)]


@pytest.mark.parametrize(
    "sections, key",
    [
        ({"retry": {"attempts": 0}}, "retry.attempts"),
        ({"retry": {"attempts": "many"}}, "retry.attempts"),
        ({"cache": {"max_entries": -1}}, "cache.max_entries"),
        ({"cache": {"ttl": "soon"}}, "cache.ttl"),
        ({"retry": {"backoff": 10, "max_backoff": 5}}, "retry.max_backoff"),
        ({"maintenance": {"start": "25:00", "timezone": "UTC"}}, "maintenance.start"),
        ({"maintenance": {"duration": 600, "timezone": "UTC"}}, "maintenance.start"),
        ({"maintenance": {"start": "02:00", "duration": 0, "timezone": "UTC"}}, "maintenance.duration"),
        ({"maintenance": {"start": "02:00", "duration": 90000, "timezone": "UTC"}}, "maintenance.duration"),
    ],
    ids=["attempts-0", "attempts-text", "entries-negative", "ttl-text", "cap-below-backoff", "start-25h",
         "start-missing", "duration-0", "duration-over-a-day"],
)
def test_bad_values_name_their_key(sections, key):
    with pytest.raises(ConfigError) as caught:
        _config(**sections)
    assert caught.value.key == key


def test_utc_window_including_one_that_crosses_midnight():
    night = _config(maintenance={"start": "23:00", "duration": 7200, "timezone": "UTC"})
    assert night.in_maintenance(datetime(2026, 2, 1, 23, 0, tzinfo=timezone.utc))
    assert night.in_maintenance(datetime(2026, 2, 2, 0, 59, tzinfo=timezone.utc))
    assert not night.in_maintenance(datetime(2026, 2, 2, 1, 0, tzinfo=timezone.utc))
    assert not night.in_maintenance(datetime(2026, 2, 2, 22, 59, tzinfo=timezone.utc))


def test_environment_overrides_reach_the_new_sections(tmp_path):
    path = tmp_path / "service.toml"
    path.write_text('[service]\nname = "orders-api"\n[database]\nurl = "sqlite://"\n[retry]\nattempts = 2\n', encoding="utf-8")
    config = load_config(path, environ={"SVC_RETRY__ATTEMPTS": "6", "SVC_CACHE__TTL": "90", "SVC_CACHE__MAX_ENTRIES": "7"})
    assert config.retry.attempts == 6
    assert config.cache.ttl == timedelta(seconds=90)
    assert config.cache.max_entries == 7
