"""Names must never reach outside the store's root, whatever the spelling."""

import io

import pytest

import uploads
from uploads.handlers import handle_delete, handle_get, handle_put


@pytest.fixture
def layout(tmp_path):
    root = tmp_path / "store"
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"top secret")
    return uploads.UploadStore(root), tmp_path, secret


@pytest.mark.parametrize("name", ["../escaped.txt", "team/../../escaped.txt"])
def test_save_refuses_names_that_climb_out_of_the_root(layout, name):
    store, outside, _ = layout
    with pytest.raises(uploads.InvalidName):
        store.save(name, b"planted")
    assert not (outside / "escaped.txt").exists()


@pytest.mark.parametrize("name", ["../secret.txt", "team/../../secret.txt"])
def test_read_refuses_names_that_climb_out_of_the_root(layout, name):
    store, _, _ = layout
    with pytest.raises(uploads.InvalidName):
        store.read(name)


def test_delete_refuses_names_that_climb_out_of_the_root(layout):
    store, _, secret = layout
    with pytest.raises(uploads.InvalidName):
        store.delete("../secret.txt")
    assert secret.exists()


@pytest.mark.parametrize("path", ["/files/..%2Fsecret.txt", "/files/docs/..%2F..%2Fsecret.txt",
                                  "/files/%2E%2E/secret.txt"])
def test_get_does_not_serve_files_outside_the_root(layout, path):
    store, _, _ = layout
    response = handle_get(store, path)
    assert response.status in (400, 404)
    assert b"top secret" not in response.body


def test_put_cannot_plant_files_outside_the_root(layout):
    store, outside, _ = layout
    response = handle_put(store, "/files/..%2F..%2Fplanted.txt", io.BytesIO(b"planted"))
    assert response.status in (400, 404)
    assert not (outside / "planted.txt").exists()
    assert not (outside.parent / "planted.txt").exists()


def test_delete_handler_cannot_remove_files_outside_the_root(layout):
    store, _, secret = layout
    assert handle_delete(store, "/files/..%2Fsecret.txt").status in (400, 404)
    assert secret.exists()
