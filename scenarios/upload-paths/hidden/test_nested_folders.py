"""The ticket: names may contain folders."""

import io
import json

import pytest

import uploads
from uploads.handlers import handle_delete, handle_get, handle_list, handle_put


@pytest.fixture
def root(tmp_path):
    return tmp_path / "store"


def test_nested_name_is_stored_in_subfolders(root):
    store = uploads.UploadStore(root)
    stored = store.save("reports/2024/q1.csv", b"a,b\n")
    assert stored.name == "reports/2024/q1.csv"
    assert (root / "reports" / "2024" / "q1.csv").read_bytes() == b"a,b\n"
    assert store.read("reports/2024/q1.csv") == b"a,b\n"


def test_stat_of_nested_file_reports_size_and_type(root):
    store = uploads.UploadStore(root)
    store.save("exports/summary.json", b"{}")
    assert store.stat("exports/summary.json") == uploads.StoredFile(
        name="exports/summary.json", size=2, content_type="application/json")


def test_listing_walks_folders_and_sorts_by_name(root):
    store = uploads.UploadStore(root)
    store.save("zeta.txt", b"1")
    store.save("reports/2024/q1.csv", b"22")
    store.save("reports/2023/q4.csv", b"333")
    assert [(f.name, f.size) for f in store.list_files()] == [
        ("reports/2023/q4.csv", 3), ("reports/2024/q1.csv", 2), ("zeta.txt", 1)]


def test_same_file_name_in_different_folders_are_separate_files(root):
    store = uploads.UploadStore(root)
    store.save("alice/notes.txt", b"alice")
    store.save("bob/notes.txt", b"bob")
    assert store.read("alice/notes.txt") == b"alice"
    assert store.read("bob/notes.txt") == b"bob"


def test_delete_removes_a_nested_file(root):
    store = uploads.UploadStore(root)
    store.save("tmp/scratch.txt", b"x")
    store.delete("tmp/scratch.txt")
    with pytest.raises(uploads.UploadNotFound):
        store.read("tmp/scratch.txt")


def test_http_round_trip_of_a_nested_path(root):
    store = uploads.UploadStore(root)
    created = handle_put(store, "/files/reports/2024/q1.csv", io.BytesIO(b"a,b\n"))
    assert created.status == 201
    assert json.loads(created.body)["name"] == "reports/2024/q1.csv"
    served = handle_get(store, "/files/reports/2024/q1.csv")
    assert served.status == 200
    assert served.body == b"a,b\n"
    assert served.headers["Content-Type"] == "text/csv"
    assert served.headers["Content-Disposition"] == 'attachment; filename="q1.csv"'
    assert [f["name"] for f in json.loads(handle_list(store).body)] == ["reports/2024/q1.csv"]
    assert handle_delete(store, "/files/reports/2024/q1.csv").status == 204
