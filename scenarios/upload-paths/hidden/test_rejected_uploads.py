"""A rejected (oversized) upload must leave the store as it was."""

import io

import pytest

import uploads
from uploads import settings
from uploads.handlers import handle_get, handle_list, handle_put


def _too_big():
    return io.BytesIO(b"x" * (settings.MAX_UPLOAD_BYTES + 1))


@pytest.fixture
def root(tmp_path):
    return tmp_path / "store"


def _files_under(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_rejected_upload_leaves_no_file_behind(root):
    store = uploads.UploadStore(root)
    with pytest.raises(uploads.UploadError):
        store.save("big.bin", _too_big())
    assert _files_under(root) == []
    assert store.list_files() == []


def test_rejected_replacement_keeps_the_previous_version(root):
    store = uploads.UploadStore(root)
    store.save("report.csv", b"a,b\n1,2\n")
    with pytest.raises(uploads.UploadError):
        store.replace("report.csv", _too_big())
    assert store.read("report.csv") == b"a,b\n1,2\n"
    assert _files_under(root) == ["report.csv"]


def test_rejected_put_is_not_listed_or_served(root):
    store = uploads.UploadStore(root)
    assert handle_put(store, "/files/inbox/huge.bin", _too_big()).status == 413
    assert handle_get(store, "/files/inbox/huge.bin").status == 404
    assert b"huge.bin" not in handle_list(store).body
