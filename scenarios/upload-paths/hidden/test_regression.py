"""Behaviour that worked before the change and must keep working."""

import io
import json

import pytest

import uploads
from uploads import settings
from uploads.handlers import handle_delete, handle_get, handle_list, handle_put


@pytest.fixture
def store(tmp_path):
    return uploads.UploadStore(tmp_path / "store")


def test_flat_files_round_trip(store):
    store.save("hello.txt", b"hello")
    store.save("data.bin", io.BytesIO(b"\x00" * 70_000))
    assert store.read("hello.txt") == b"hello"
    assert store.stat("data.bin").size == 70_000


def test_listing_of_flat_files(store):
    store.save("b.pdf", b"%PDF")
    store.save("a.png", b"\x89PNG")
    assert store.list_files() == [
        uploads.StoredFile(name="a.png", size=4, content_type="image/png"),
        uploads.StoredFile(name="b.pdf", size=4, content_type="application/pdf"),
    ]


def test_replace_overwrites_on_purpose(store):
    store.save("draft.txt", b"one")
    assert store.replace("draft.txt", b"two").size == 3
    assert store.read("draft.txt") == b"two"


def test_missing_files_are_not_found(store):
    with pytest.raises(uploads.UploadNotFound):
        store.read("missing.txt")
    with pytest.raises(uploads.UploadNotFound):
        store.delete("missing.txt")


def test_empty_name_is_invalid(store):
    with pytest.raises(uploads.InvalidName):
        store.save("", b"x")


def test_get_sets_download_headers(store):
    handle_put(store, "/files/page.txt", io.BytesIO(b"<script>"))
    served = handle_get(store, "/files/page.txt")
    assert served.status == 200
    assert served.headers["Content-Type"] == "text/plain"
    assert served.headers["Content-Disposition"] == 'attachment; filename="page.txt"'
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Server"] == settings.SERVICE_NAME


def test_absolute_name_in_url_is_not_served(store):
    assert handle_get(store, "/files//etc/passwd").status in (400, 404)


def test_put_replace_flag_overwrites(store):
    handle_put(store, "/files/a.txt", io.BytesIO(b"1"))
    assert handle_put(store, "/files/a.txt", io.BytesIO(b"22"), replace=True).status == 201
    assert handle_get(store, "/files/a.txt").body == b"22"


def test_unknown_routes_are_404(store):
    assert handle_get(store, "/other/a.txt").status == 404
    assert handle_put(store, "/other/a.txt", io.BytesIO(b"")).status == 404


def test_list_and_delete_handlers(store):
    handle_put(store, "/files/a.txt", io.BytesIO(b"abc"))
    assert json.loads(handle_list(store).body) == [
        {"name": "a.txt", "size": 3, "content_type": "text/plain"}]
    assert handle_delete(store, "/files/a.txt").status == 204
    assert json.loads(handle_list(store).body) == []
    assert handle_delete(store, "/files/a.txt").status == 404
