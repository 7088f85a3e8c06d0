"""Read ``service.toml`` into typed, validated settings.

    [service]
    name = "orders-api"
    port = 8080

    [database]
    url = "postgresql://orders@db/orders"
    pool_size = 10
    connect_timeout = "5s"
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from .durations import parse_duration
from .envvars import apply_env_overrides
from .errors import ConfigError


def _section(raw: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, Mapping):
        raise ConfigError(name, "must be a table")
    return value


def _int(key: str, value: Any, *, minimum: int) -> int:
    if isinstance(value, bool):
        raise ConfigError(key, f"expected an integer, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(key, f"expected an integer, got {value!r}") from None
    if number < minimum:
        raise ConfigError(key, f"must be at least {minimum}, got {number}")
    return number


def _duration(key: str, value: Any) -> timedelta:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(seconds=value)
    try:
        return parse_duration(value)
    except ValueError:
        raise ConfigError(key, f"expected a duration such as '30s' or '1h30m', got {value!r}") from None


@dataclass(frozen=True)
class DatabaseConfig:
    url: str
    pool_size: int = 5
    connect_timeout: timedelta = timedelta(seconds=10)


@dataclass(frozen=True)
class ServiceConfig:
    name: str
    port: int
    database: DatabaseConfig


def _database(raw: Mapping[str, Any]) -> DatabaseConfig:
    section = _section(raw, "database")
    if not section.get("url"):
        raise ConfigError("database.url", "is required")
    return DatabaseConfig(
        url=str(section["url"]),
        pool_size=_int("database.pool_size", section.get("pool_size", 5), minimum=1),
        connect_timeout=_duration("database.connect_timeout", section.get("connect_timeout", 10)),
    )


def parse_config(raw: Mapping[str, Any]) -> ServiceConfig:
    """Validate an already-parsed TOML document (after environment overrides)."""
    service = _section(raw, "service")
    if not service.get("name"):
        raise ConfigError("service.name", "is required")
    return ServiceConfig(
        name=str(service["name"]),
        port=_int("service.port", service.get("port", 8080), minimum=1),
        database=_database(raw),
    )


def load_config(path: str | Path, environ: Mapping[str, str] | None = None) -> ServiceConfig:
    """Load ``path``, apply ``SVC_*`` overrides from ``environ`` (default: the process's)."""
    try:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"not valid TOML: {exc}") from None
    return parse_config(apply_env_overrides(raw, os.environ if environ is None else environ))
