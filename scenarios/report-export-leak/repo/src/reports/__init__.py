"""Sales report exports for the finance team."""

from .errors import ExportError, ExportTooLarge
from .export import export_month

__all__ = ["ExportError", "ExportTooLarge", "export_month"]
