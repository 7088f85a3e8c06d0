"""svcconfig: load a service's TOML configuration, with environment overrides."""

from .durations import format_duration, parse_duration
from .errors import ConfigError
from .loader import DatabaseConfig, ServiceConfig, load_config, parse_config

__all__ = [
    "ConfigError",
    "DatabaseConfig",
    "ServiceConfig",
    "format_duration",
    "load_config",
    "parse_config",
    "parse_duration",
]
