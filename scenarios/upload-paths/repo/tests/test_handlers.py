import io
import json

import pytest

from uploads import UploadStore
from uploads.handlers import handle_delete, handle_get, handle_list, handle_put


@pytest.fixture
def store(tmp_path):
    return UploadStore(tmp_path / "uploads")


def test_put_then_get_round_trips(store):
    created = handle_put(store, "/files/invoice.pdf", io.BytesIO(b"%PDF-1.7"))
    assert created.status == 201
    assert json.loads(created.body)["content_type"] == "application/pdf"
    served = handle_get(store, "/files/invoice.pdf")
    assert served.status == 200
    assert served.body == b"%PDF-1.7"
    assert served.headers["Content-Disposition"] == 'attachment; filename="invoice.pdf"'


def test_get_missing_file_is_404(store):
    assert handle_get(store, "/files/nope.txt").status == 404


def test_list_returns_json(store):
    handle_put(store, "/files/a.txt", io.BytesIO(b"abc"))
    listing = handle_list(store)
    assert json.loads(listing.body) == [{"name": "a.txt", "size": 3, "content_type": "text/plain"}]


def test_delete_then_get_is_404(store):
    handle_put(store, "/files/a.txt", io.BytesIO(b"abc"))
    assert handle_delete(store, "/files/a.txt").status == 204
    assert handle_get(store, "/files/a.txt").status == 404
