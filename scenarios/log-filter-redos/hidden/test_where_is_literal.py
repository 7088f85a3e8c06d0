"""In a --where value only * is a wildcard; everything else matches itself (flaw: where-pattern-is-regex)."""

import io

import pytest

from logsieve.cli import main
from logsieve.fields import parse_where


@pytest.mark.parametrize(
    "condition, value, expected",
    [
        ("path=/api/v1.0/*", "/api/v1.0/orders", True),
        ("path=/api/v1.0/*", "/api/v1x0/orders", False),
        ("q=c++", "c++", True),
        ("plan=pro (beta)", "pro (beta)", True),
        ("price=$5", "$5", True),
        ("ip=10.0.0.*", "10.0.0.7", True),
        ("ip=10.0.0.*", "10.0.0", False),
        ("ip=10.0.0.*", "10a0b0c7", False),
    ],
    ids=["dot-matches", "dot-is-literal", "plus", "parens", "dollar", "wildcard-ip", "wildcard-needs-dot", "dots-literal"],
)
def test_where_pattern_characters_match_themselves(condition, value, expected):
    key = condition.partition("=")[0]
    assert parse_where(condition).matches({key: value}) is expected


def test_cli_where_with_regex_characters_does_not_crash():
    log = (
        "2026-11-27T10:00:00Z INFO search.api query q=c++ hits=12\n"
        "2026-11-27T10:00:01Z INFO search.api query q=cc hits=3\n"
    )
    out = io.StringIO()
    assert main(["--where", "q=c++"], stdin=io.StringIO(log), stdout=out) == 0
    assert out.getvalue() == "2026-11-27T10:00:00Z INFO search.api query q=c++ hits=12\n"
