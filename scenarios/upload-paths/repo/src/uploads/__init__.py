"""A small upload service: files stored under one root folder, listed and served by name."""

from uploads.storage import (
    InvalidName,
    StoredFile,
    UploadError,
    UploadExists,
    UploadNotFound,
    UploadStore,
    content_type_for,
)

__all__ = [
    "InvalidName",
    "StoredFile",
    "UploadError",
    "UploadExists",
    "UploadNotFound",
    "UploadStore",
    "content_type_for",
]
