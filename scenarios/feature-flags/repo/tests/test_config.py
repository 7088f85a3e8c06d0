import json

import pytest

from flagkit import FlagConfigError, load_flags


def doc(**flags):
    return json.dumps({"flags": flags})


def test_flags_are_loaded_with_defaults():
    flags = load_flags(doc(**{"dark-mode": {"enabled": True}, "beta-search": {}}))
    dark = flags["dark-mode"]
    assert dark.enabled and dark.rollout_percent == 100
    assert not flags["beta-search"].enabled
    assert dark.platforms == frozenset() and dark.allow_users == frozenset()


def test_full_flag_is_loaded():
    [flag] = load_flags(doc(**{"new-checkout": {
        "enabled": True, "rollout": 25, "allow_users": ["u-1"], "platforms": ["ios", "web"],
        "description": "one-page checkout"}})).values()
    assert flag.rollout_percent == 25
    assert flag.allow_users == {"u-1"}
    assert flag.platforms == {"ios", "web"}


@pytest.mark.parametrize("raw", [
    {"enabled": "yes"},
    {"rollout": 101},
    {"rollout": True},
    {"platforms": ["windows"]},
    {"allow_users": "u-1"},
    {"enabeld": True},
])
def test_invalid_flags_are_rejected(raw):
    with pytest.raises(FlagConfigError):
        load_flags(doc(**{"some-flag": raw}))


def test_bad_documents_are_rejected():
    for text in ["not json", "[]", '{"flags": []}', doc(**{"Bad_Name": {}})]:
        with pytest.raises(FlagConfigError):
            load_flags(text)
