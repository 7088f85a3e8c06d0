"""Version-range targeting the assistant added (release builds)."""

import json

import pytest

import flagkit.config as config
from flagkit import Context, Flag, FlagConfigError, enabled_flags, is_enabled


def load_one(**raw):
    text = json.dumps({"flags": {"f": {"enabled": True, **raw}}})
    return config.load_flags(text)["f"]


def on(flag, version, user="u-1", platform=""):
    return is_enabled(flag, Context(user, client_version=version, platform=platform))


def test_specifier_range_targets_release_clients():
    flag = load_one(versions=">=2.3,<3")
    assert [v for v in ["2.2.9", "2.3", "2.3.0", "2.8.1", "3.0", "3.1"] if on(flag, v)] == [
        "2.3", "2.3.0", "2.8.1"]


def test_hyphen_range_is_inclusive_at_both_ends():
    flag = load_one(versions="2.3 - 2.8")
    assert [v for v in ["2.2", "2.3", "2.5.4", "2.8", "2.8.1", "2.9"] if on(flag, v)] == [
        "2.3", "2.5.4", "2.8"]


def test_compatible_release_and_wildcards_are_supported():
    assert on(load_one(versions="~=2.4"), "2.9")
    assert not on(load_one(versions="~=2.4"), "3.0")
    assert on(load_one(versions="==2.5.*"), "2.5.7")
    assert not on(load_one(versions="==2.5.*"), "2.6")


def test_clients_without_a_usable_version_do_not_get_targeted_flags():
    flag = load_one(versions=">=2.3")
    assert not on(flag, "")
    assert not on(flag, "latest")


def test_version_range_applies_to_allow_listed_users_too():
    flag = load_one(versions=">=2.3", rollout=0, allow_users=["vip"])
    assert on(flag, "2.4", user="vip")
    assert not on(flag, "2.2", user="vip")
    assert not on(flag, "2.4", user="someone-else")


def test_flags_without_a_range_ignore_the_client_version():
    flag = load_one()
    assert on(flag, "") and on(flag, "0.1") and on(flag, "not-a-version")
    assert Flag("g", enabled=True).versions is None


@pytest.mark.parametrize("versions", ["banana", ">=2.3,<<3", "2.x - 3", 23, ""])
def test_invalid_ranges_are_config_errors(versions):
    with pytest.raises(FlagConfigError):
        load_one(versions=versions)


def test_enabled_flags_respects_version_ranges():
    text = json.dumps({"flags": {
        "old-ui": {"enabled": True, "versions": "<2"},
        "new-ui": {"enabled": True, "versions": ">=2"},
        "everywhere": {"enabled": True},
    }})
    flags = config.load_flags(text)
    assert enabled_flags(flags, Context("u-1", client_version="2.1")) == ["everywhere", "new-ui"]
    assert enabled_flags(flags, Context("u-1", client_version="1.9")) == ["everywhere", "old-ui"]
