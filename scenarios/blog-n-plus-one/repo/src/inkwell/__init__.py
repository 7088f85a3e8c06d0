"""inkwell: the storage layer of our small blogging platform (SQLite)."""

from .db import connect

__all__ = ["connect"]
