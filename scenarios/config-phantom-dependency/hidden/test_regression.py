"""Behaviour that worked before the new sections were added."""

from datetime import timedelta

import pytest

from svcconfig import ConfigError, format_duration, load_config, parse_duration


def test_durations():
    assert parse_duration("1d2h3m4s5ms") == timedelta(days=1, hours=2, minutes=3, seconds=4, milliseconds=5)
    assert format_duration(timedelta(hours=26)) == "1d2h"
    with pytest.raises(ValueError):
        parse_duration("3 weeks")


def test_database_section_and_overrides(tmp_path):
    path = tmp_path / "service.toml"
    path.write_text('[service]\nname = "billing"\n[database]\nurl = "postgresql://db/billing"\nconnect_timeout = "1m"\n', encoding="utf-8")
    config = load_config(path, environ={"SVC_DATABASE__CONNECT_TIMEOUT": "750ms"})
    assert config.name == "billing" and config.port == 8080
    assert config.database.connect_timeout == timedelta(milliseconds=750)


def test_missing_database_url(tmp_path):
    path = tmp_path / "service.toml"
    path.write_text('[service]\nname = "billing"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert caught.value.key == "database.url"
