"""Beta testers run prerelease builds; a build inside a range gets the flag."""

import json

import pytest

from flagkit import Context, is_enabled, load_flags


def flag_for(versions):
    return load_flags(json.dumps({"flags": {"f": {"enabled": True, "versions": versions}}}))["f"]


@pytest.mark.parametrize("version", ["2.5.0b1", "2.5.0rc2", "2.6.0a3", "2.5.1.dev4"])
def test_prerelease_build_inside_the_range_gets_the_flag(version):
    assert is_enabled(flag_for(">=2.3,<3"), Context("u-1", client_version=version))


@pytest.mark.parametrize("version", ["3.0.0a1", "3.1.0b1", "2.1.0b1"])
def test_prerelease_build_outside_the_range_does_not(version):
    assert not is_enabled(flag_for(">=2.3,<3"), Context("u-1", client_version=version))


def test_beta_testers_in_a_hyphen_range_get_the_flag():
    assert is_enabled(flag_for("2.3 - 2.8"), Context("u-1", client_version="2.6.0b1"))
