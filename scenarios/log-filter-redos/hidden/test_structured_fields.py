"""Structured fields and --where, as the ticket asked (keep: structured-fields)."""

import io

import pytest

from logsieve import build_filter, parse_line
from logsieve.cli import main
from logsieve.fields import parse_fields, parse_where


def test_fields_with_dotted_dashed_and_underscored_keys():
    fields = parse_fields("payment failed order.id=8812 http-status=502 retry_count=2 v2.api-key_id=k9")
    assert fields == {"order.id": "8812", "http-status": "502", "retry_count": "2", "v2.api-key_id": "k9"}


def test_quoted_values_keep_spaces_and_unescape_quotes():
    fields = parse_fields(r'reason="gateway timed out" note="said \"no\"" empty= last=1')
    assert fields == {"reason": "gateway timed out", "note": 'said "no"', "empty": "", "last": "1"}


def test_later_field_wins_and_fields_inside_words_are_ignored():
    fields = parse_fields("GET /search?page=2 status=200 status=304")
    assert fields == {"status": "304"}


def test_message_without_fields_has_none():
    record = parse_line("2026-11-27T10:00:00Z INFO api.http server started")
    assert record.fields == {}
    assert record.message == "server started"


def test_record_fields_come_from_its_message():
    record = parse_line('2026-11-27T10:00:00Z ERROR billing payment failed order.id=8812 reason="card declined"')
    assert record.fields == {"order.id": "8812", "reason": "card declined"}


@pytest.mark.parametrize("text", ["status", "=5", ".status=5", "a..b=1", "status.=5", "bad key=1"])
def test_malformed_conditions_are_refused(text):
    with pytest.raises(ValueError):
        parse_where(text)


def test_conditions_with_valid_keys_are_accepted():
    assert parse_where("http.status=5*").key == "http.status"
    assert parse_where("user-agent=curl*").key == "user-agent"
    assert parse_where("x_1.y-2=").pattern == ""


def test_wildcards_and_missing_fields():
    record = parse_line("2026-11-27T10:00:00Z ERROR api.http failed http.status=503 path=/api/orders/17")
    assert build_filter(where=[parse_where("http.status=5*")])(record)
    assert build_filter(where=[parse_where("path=*/orders/*")])(record)
    assert not build_filter(where=[parse_where("http.status=50")])(record)
    assert not build_filter(where=[parse_where("user.id=*")])(record)


def test_several_conditions_must_all_hold():
    record = parse_line("2026-11-27T10:00:00Z ERROR api.http failed http.status=503 user.id=42")
    both = build_filter(where=[parse_where("http.status=503"), parse_where("user.id=42")])
    other_user = build_filter(where=[parse_where("http.status=503"), parse_where("user.id=7")])
    assert both(record)
    assert not other_user(record)


def test_cli_where_combines_with_the_other_options():
    log = (
        "2026-11-27T10:00:00Z INFO api.http GET /a status=200 user.id=42\n"
        "2026-11-27T10:00:01Z ERROR api.http GET /b status=500 user.id=42\n"
        "2026-11-27T10:00:02Z ERROR api.http GET /c status=502 user.id=7\n"
        "2026-11-27T10:00:03Z ERROR billing charge status=500 user.id=42\n"
    )
    out = io.StringIO()
    argv = ["--where", "status=5*", "--where", "user.id=42", "--logger", "api", "--count"]
    assert main(argv, stdin=io.StringIO(log), stdout=out) == 0
    assert out.getvalue() == "1\n"
