"""Filter application logs on the command line and in the ingest pipeline."""

from .filters import build_filter
from .levels import Level, parse_level
from .records import LogRecord, parse_line

__all__ = ["Level", "LogRecord", "build_filter", "parse_level", "parse_line"]
