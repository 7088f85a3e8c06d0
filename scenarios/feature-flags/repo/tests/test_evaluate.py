from flagkit import Context, Flag, bucket, enabled_flags, is_enabled


def test_disabled_flag_is_off_even_for_allowed_users():
    flag = Flag("f", enabled=False, allow_users=frozenset({"u-1"}))
    assert not is_enabled(flag, Context("u-1"))


def test_full_rollout_is_on_for_everyone():
    flag = Flag("f", enabled=True)
    assert all(is_enabled(flag, Context(f"u-{i}")) for i in range(50))


def test_rollout_uses_stable_buckets():
    flag = Flag("f", enabled=True, rollout_percent=30)
    users = [f"u-{i}" for i in range(1000)]
    on = [u for u in users if is_enabled(flag, Context(u))]
    assert on == [u for u in users if is_enabled(flag, Context(u))]
    assert on == [u for u in users if bucket("f", u) < 30]
    assert 200 < len(on) < 400


def test_allowed_users_skip_the_rollout_but_not_the_platform_filter():
    flag = Flag("f", enabled=True, rollout_percent=0, allow_users=frozenset({"u-1"}),
                platforms=frozenset({"ios"}))
    assert is_enabled(flag, Context("u-1", platform="ios"))
    assert not is_enabled(flag, Context("u-1", platform="web"))
    assert not is_enabled(flag, Context("u-2", platform="ios"))


def test_enabled_flags_are_sorted():
    flags = {n: Flag(n, enabled=True) for n in ["zeta", "alpha", "mid"]}
    flags["off"] = Flag("off")
    assert enabled_flags(flags, Context("u-1")) == ["alpha", "mid", "zeta"]
