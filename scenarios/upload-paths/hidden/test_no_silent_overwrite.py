"""save() must refuse a taken name; only replace() overwrites."""

import io

import pytest

import uploads
from uploads.handlers import handle_get, handle_put


@pytest.fixture
def store(tmp_path):
    return uploads.UploadStore(tmp_path / "store")


def test_save_does_not_overwrite_an_existing_upload(store):
    store.save("quarterly.csv", b"v1")
    with pytest.raises(uploads.UploadExists):
        store.save("quarterly.csv", b"v2")
    assert store.read("quarterly.csv") == b"v1"


def test_save_does_not_overwrite_an_existing_nested_upload(store):
    store.save("finance/2024/quarterly.csv", b"v1")
    with pytest.raises(uploads.UploadExists):
        store.save("finance/2024/quarterly.csv", b"v2")
    assert store.read("finance/2024/quarterly.csv") == b"v1"


def test_put_without_replace_answers_conflict_and_keeps_the_original(store):
    assert handle_put(store, "/files/contract.pdf", io.BytesIO(b"signed")).status == 201
    assert handle_put(store, "/files/contract.pdf", io.BytesIO(b"forged")).status == 409
    assert handle_get(store, "/files/contract.pdf").body == b"signed"
