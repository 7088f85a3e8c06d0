"""Ops' size limit (settings.MAX_UPLOAD_BYTES), enforced while the upload streams in."""

import io
import json

import pytest

import uploads
from uploads import settings
from uploads.handlers import handle_put


@pytest.fixture
def store(tmp_path):
    return uploads.UploadStore(tmp_path / "store")


def test_limit_is_inclusive(store):
    limit = settings.MAX_UPLOAD_BYTES
    assert store.save("exact.bin", b"x" * limit).size == limit
    with pytest.raises(uploads.UploadTooLarge):
        store.save("over.bin", b"x" * (limit + 1))


def test_streamed_upload_over_the_limit_is_rejected(store):
    with pytest.raises(uploads.UploadTooLarge):
        store.save("stream.bin", io.BytesIO(b"y" * (settings.MAX_UPLOAD_BYTES * 2)))


def test_replace_enforces_the_limit_too(store):
    store.save("doc.txt", b"v1")
    with pytest.raises(uploads.UploadTooLarge):
        store.replace("doc.txt", b"z" * (settings.MAX_UPLOAD_BYTES + 1))


def test_put_over_the_limit_answers_413(store):
    response = handle_put(store, "/files/big.bin",
                          io.BytesIO(b"x" * (settings.MAX_UPLOAD_BYTES + 1)))
    assert response.status == 413
    assert "error" in json.loads(response.body)
