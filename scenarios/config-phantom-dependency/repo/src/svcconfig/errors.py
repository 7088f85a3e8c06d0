"""The one error a configuration problem raises."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration value is missing or wrong; ``key`` is its dotted path (``database.url``)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
