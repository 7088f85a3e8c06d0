"""JUnit parsing against real pytest output (tests/fixtures/junit, made by pytest from
test_mix.py.txt) and against hostile documents."""

from pathlib import Path

import pytest

from harness.grading import junit
from harness.grading.junit import Outcome

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "junit"


def outcomes(name: str) -> dict[tuple[str, str], Outcome]:
    cases = junit.parse((FIXTURES / name).read_bytes())
    return {(c.classname, c.name): c.outcome for c in cases}


def test_real_pytest_report_outcomes():
    got = outcomes("mix.xml")
    assert got[("test_mix", "test_passes")] == Outcome.PASSED
    assert got[("test_mix", "test_fails")] == Outcome.FAILED
    assert got[("test_mix", "test_setup_error")] == Outcome.ERROR
    assert got[("test_mix", "test_skipped")] == Outcome.SKIPPED
    assert got[("test_mix", "test_xfail")] == Outcome.SKIPPED  # xfail is never a pass
    assert got[("test_mix.TestGroup", "test_param[1]")] == Outcome.PASSED
    assert got[("test_mix.TestGroup", "test_param[2]")] == Outcome.FAILED


def test_failure_messages_are_kept_for_assessors():
    cases = {c.name: c for c in junit.parse((FIXTURES / "mix.xml").read_bytes())}
    assert "assert 1 == 2" in cases["test_fails"].message
    assert "setup exploded" in cases["test_setup_error"].message


def test_collection_error_is_an_error_case_without_classname():
    got = outcomes("collect.xml")
    assert got[("", "test_collect")] == Outcome.ERROR
    assert got[("test_mix", "test_passes")] == Outcome.PASSED


def test_mangle_matches_what_pytest_writes():
    assert junit.mangle("test_mix.py::TestGroup::test_param[2]") == (
        "test_mix.TestGroup",
        "test_param[2]",
    )
    assert junit.mangle("d/test_a.py::test_x") == ("d.test_a", "test_x")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<testsuites><testsuite>", "not valid XML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><testsuites>&a;</testsuites>',
            "DOCTYPE",
        ),
        (b'<!DOCTYPE x SYSTEM "file:///etc/passwd"><testsuites/>', "DOCTYPE"),
    ],
)
def test_hostile_or_broken_documents_are_refused(data, reason):
    with pytest.raises(junit.JUnitError, match=reason):
        junit.parse(data)


def test_oversized_document_is_refused_before_parsing():
    with pytest.raises(junit.JUnitError, match="larger than"):
        junit.parse(b"<testsuites>" + b" " * 2000 + b"</testsuites>", max_bytes=1000)
