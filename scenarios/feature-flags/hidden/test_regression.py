"""Behaviour that worked before version targeting and must keep working."""

import json

import pytest

from flagkit import Context, Flag, FlagConfigError, bucket, enabled_flags, is_enabled, load_flags


def test_bucket_is_stable_and_in_range():
    values = [bucket("checkout", f"user-{i}") for i in range(500)]
    assert values == [bucket("checkout", f"user-{i}") for i in range(500)]
    assert min(values) >= 0 and max(values) <= 99
    assert len(set(values)) > 90


def test_buckets_differ_between_flags():
    users = [f"user-{i}" for i in range(200)]
    assert [bucket("a", u) for u in users] != [bucket("b", u) for u in users]


def test_rollout_zero_and_hundred():
    users = [Context(f"user-{i}") for i in range(200)]
    assert not any(is_enabled(Flag("f", enabled=True, rollout_percent=0), c) for c in users)
    assert all(is_enabled(Flag("f", enabled=True, rollout_percent=100), c) for c in users)


def test_platform_filter_and_master_switch():
    flag = Flag("f", enabled=True, platforms=frozenset({"android"}))
    assert is_enabled(flag, Context("u", platform="android"))
    assert not is_enabled(flag, Context("u", platform="ios"))
    assert not is_enabled(flag, Context("u", platform=""))
    assert not is_enabled(Flag("f"), Context("u"))


def test_document_without_versions_loads_as_before():
    text = json.dumps({"flags": {"a": {"enabled": True, "rollout": 0, "allow_users": ["x"]},
                                 "b": {"enabled": True, "platforms": ["web"]}}})
    flags = load_flags(text)
    assert enabled_flags(flags, Context("x", client_version="1.0", platform="web")) == ["a", "b"]
    assert enabled_flags(flags, Context("y", client_version="1.0", platform="ios")) == []


@pytest.mark.parametrize("raw", [{"rollout": -1}, {"platforms": "ios"}, {"colour": "red"}])
def test_invalid_flags_still_rejected(raw):
    with pytest.raises(FlagConfigError):
        load_flags(json.dumps({"flags": {"f": raw}}))
