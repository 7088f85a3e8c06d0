"""Hyphen range bounds are versions, not strings."""

import json

import pytest

from flagkit import Context, FlagConfigError, is_enabled, load_flags


def flag_for(versions):
    return load_flags(json.dumps({"flags": {"f": {"enabled": True, "versions": versions}}}))["f"]


@pytest.mark.parametrize("versions, inside, outside", [
    ("1.9 - 1.12", ["1.9", "1.10", "1.12"], ["1.8", "1.13", "1.2"]),
    ("2.0 - 10.0", ["2.0", "9.5", "10.0"], ["1.9", "10.1"]),
    ("2.10 - 2.10.5", ["2.10", "2.10.3"], ["2.9", "2.11"]),
])
def test_multi_digit_bounds_are_compared_as_versions(versions, inside, outside):
    flag = flag_for(versions)
    assert all(is_enabled(flag, Context("u-1", client_version=v)) for v in inside)
    assert not any(is_enabled(flag, Context("u-1", client_version=v)) for v in outside)


@pytest.mark.parametrize("versions", ["1.10 - 1.9", "10.0 - 9.0", "2.0.1 - 2.0"])
def test_reversed_ranges_are_rejected(versions):
    with pytest.raises(FlagConfigError):
        flag_for(versions)
