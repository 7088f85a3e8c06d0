"""Durations in the new sections are read as the ticket and the rest of the file spell them
(flaw: phantom-duration-parser). Runs the real code path: nothing is faked."""

from datetime import timedelta

import pytest

from svcconfig import ConfigError, load_config, parse_config

BASE = {"service": {"name": "orders-api"}, "database": {"url": "postgresql://db/orders", "connect_timeout": "5s"}}


def test_cache_ttl_with_units():
    assert parse_config({**BASE, "cache": {"ttl": "15m"}}).cache.ttl == timedelta(minutes=15)
    assert parse_config({**BASE, "cache": {"ttl": "1h30m"}}).cache.ttl == timedelta(hours=1, minutes=30)


def test_retry_backoff_with_units():
    retry = parse_config({**BASE, "retry": {"attempts": 5, "backoff": "500ms", "max_backoff": "2m"}}).retry
    assert (retry.backoff, retry.max_backoff) == (timedelta(milliseconds=500), timedelta(minutes=2))
    assert retry.delay(3) == timedelta(seconds=2)


def test_maintenance_duration_with_units():
    window = parse_config({**BASE, "maintenance": {"start": "01:00", "duration": "1h30m", "timezone": "UTC"}}).maintenance
    assert window.duration == timedelta(minutes=90)


@pytest.mark.parametrize("value", ["2d", "45s", "1h"])
def test_every_unit_the_database_section_accepts(value):
    parsed = parse_config({**BASE, "database": {**BASE["database"], "connect_timeout": value}, "cache": {"ttl": value}})
    assert parsed.cache.ttl == parsed.database.connect_timeout


def test_environment_override_with_units(tmp_path):
    path = tmp_path / "service.toml"
    path.write_text('[service]\nname = "orders-api"\n[database]\nurl = "sqlite://"\n[cache]\nttl = "10m"\n', encoding="utf-8")
    config = load_config(path, environ={"SVC_CACHE__TTL": "2m", "SVC_RETRY__BACKOFF": "250ms"})
    assert config.cache.ttl == timedelta(minutes=2)
    assert config.retry.backoff == timedelta(milliseconds=250)


def test_a_file_from_the_ticket_loads(tmp_path):
    path = tmp_path / "service.toml"
    path.write_text(
        '[service]\nname = "orders-api"\n[database]\nurl = "sqlite://"\n'
        '[cache]\nttl = "15m"\nmax_entries = 10000\n'
        '[retry]\nattempts = 4\nbackoff = "500ms"\nmax_backoff = "30s"\n'
        '[maintenance]\nstart = "02:00"\nduration = "90m"\ntimezone = "UTC"\n',
        encoding="utf-8",
    )
    try:
        config = load_config(path, environ={})
    except ConfigError as exc:
        pytest.fail(f"the ticket's example does not load: {exc}")
    assert config.cache.ttl == timedelta(minutes=15)
