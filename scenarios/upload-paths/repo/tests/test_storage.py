import io

import pytest

from uploads import InvalidName, UploadNotFound, UploadStore


@pytest.fixture
def store(tmp_path):
    return UploadStore(tmp_path / "uploads")


def test_saved_file_can_be_read_back(store):
    stored = store.save("notes.txt", b"hello")
    assert stored.name == "notes.txt"
    assert stored.size == 5
    assert store.read("notes.txt") == b"hello"


def test_save_accepts_a_stream(store):
    store.save("data.bin", io.BytesIO(b"\x00\x01" * 1000))
    assert store.stat("data.bin").size == 2000


def test_listing_is_sorted_and_typed(store):
    store.save("b.csv", b"x,y\n")
    store.save("a.png", b"\x89PNG")
    assert [(f.name, f.content_type) for f in store.list_files()] == [
        ("a.png", "image/png"), ("b.csv", "text/csv")]


def test_replace_overwrites(store):
    store.save("report.txt", b"draft")
    store.replace("report.txt", b"final")
    assert store.read("report.txt") == b"final"


def test_delete_removes_the_file(store):
    store.save("old.txt", b"x")
    store.delete("old.txt")
    assert store.list_files() == []
    with pytest.raises(UploadNotFound):
        store.read("old.txt")


@pytest.mark.parametrize("name", ["", "../secret.txt", "a/b.txt", "/etc/passwd", ".hidden"])
def test_unsafe_names_are_rejected(store, name):
    with pytest.raises(InvalidName):
        store.save(name, b"x")
