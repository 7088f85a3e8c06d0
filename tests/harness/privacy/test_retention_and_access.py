"""Retention blanks old raw work and keeps verdicts; the access export is one person's own data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from privacy_kit import greet, person
from sqlalchemy import select, update

from harness.cli import cli
from harness.errors import InvalidInput
from harness.privacy import apply, export
from harness.scoring.profile import Retention, load_retention
from harness.store import AuditEntry, Invite, Store, Submission

POLICY = Retention(diffs_days=30, reviews_days=60, unused_invites_days=10)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    root = tmp_path / "home"
    root.mkdir()
    return root


def test_retention_blanks_old_diffs_and_reviews_but_keeps_results(
    home: Path, tmp_path: Path
) -> None:
    store = Store(f"sqlite:///{home / 'dsim.db'}")
    scenario = greet(tmp_path)
    person(store, home, scenario, "Ada", minutes=0)
    person(store, home, scenario, "Bo", minutes=0)
    with store.session() as s:
        s.execute(
            update(Submission)
            .where(Submission.candidate == "ada")
            .values(submitted_at=datetime.now(UTC) - timedelta(days=45))
        )
        s.execute(
            update(Invite)
            .where(Invite.candidate == "bo")
            .values(expires_at=datetime.now(UTC) - timedelta(days=11))
        )
    planned = apply(store, POLICY, actor="cli", dry_run=True)
    assert (planned.diffs, planned.reviews, planned.invites) == (1, 0, 1)
    assert store.submissions(candidate="ada")[0].diff  # a dry run changes nothing
    done = apply(store, POLICY, actor="cli")
    assert (done.diffs, done.reviews, done.invites) == (1, 0, 1)
    ada, bo = store.submissions(candidate="ada")[0], store.submissions(candidate="bo")[0]
    assert ada.diff == "" and ada.review and bo.diff
    assert store.latest_result(ada.id) is not None  # the verdicts stay
    with store.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "retention")).one()
        assert s.scalars(select(Invite).where(Invite.candidate == "bo")).first() is None
    assert entry.detail["removed"]["raw diffs"] == 1
    again = apply(store, POLICY, actor="cli")
    assert (again.diffs, again.invites) == (0, 0)


def test_dsim_retention_apply_prints_what_it_removed_and_reads_the_profile(
    home: Path, tmp_path: Path
) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text("[retention]\ndiffs_days = 7\n")
    out = CliRunner().invoke(
        cli, ["--home", str(home), "retention", "apply", "--dry-run", "--profile", str(profile)]
    )
    assert out.exit_code == 0, out.output
    assert "diffs 7 d" in out.output and "would remove 0 raw diffs" in out.output


def test_a_bad_retention_policy_lists_every_problem(tmp_path: Path) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text("[retention]\ndiffs_days = 0\nkeep_forever = true\n")
    with pytest.raises(InvalidInput) as err:
        load_retention(profile)
    text = str(err.value.problems)
    assert "retention.diffs_days must be a whole number" in text
    assert "retention.keep_forever is not a retention key" in text


def test_the_access_export_holds_their_data_and_nobody_elses(home: Path, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{home / 'dsim.db'}")
    scenario = greet(tmp_path)
    ada = person(store, home, scenario, "Ada", minutes=3)
    person(store, home, scenario, "Bo", minutes=4)
    data = export(store, "ADA")
    assert data["candidate"] == "ada" and data["submissions"][0]["id"] == ada.ids[1]
    assert data["submissions"][0]["results"][0]["flaws_fixed"] == 1
    assert data["submissions"][0]["verdict_changes"][0]["reason"] == "Ada only trimmed one side"
    assert data["delivery_records"][0]["note"] == "Ada's first change"
    # Submitted 3 minutes in, complete, budget 20: the timing flag is theirs to see.
    (signal,) = data["integrity_signals"]
    assert signal["kind"] == "timing" and signal["flag"] == "fast_complete"
    text = json.dumps(data)
    for secret in ("Bo", "untrimmed-name", "hidden/", "test_shout", "sam", "hira"):
        assert secret not in text, secret
    out = CliRunner().invoke(cli, ["--home", str(home), "export", "--candidate", "ada", "--access"])
    assert out.exit_code == 0 and json.loads(out.output)["candidate"] == "ada"
    bad = CliRunner().invoke(cli, ["--home", str(home), "export", "--access"])
    assert bad.exit_code == 2 and "--candidate" in bad.output
