"""The cohort report: the four analyses on one self-contained page, the summary first, every
number's n beside it; hiring's variant names no flaw or keep."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import markupsafe
import numpy as np
import pytest
from click.testing import CliRunner
from gradedkit import add_graded  # type: ignore[import-not-found]

from harness.cli import cli
from harness.evidence.summary import gather, summary
from harness.reports.cohort import render_cohort_report, scenario_items
from harness.scoring.profile import load_profile
from harness.store import Record, Store
from harness.store.groups import replace_memberships

START = datetime(2026, 3, 1, tzinfo=UTC)


def fill(store: Store, n: int = 60, seed: int = 5) -> None:
    """``n`` candidates on two scenarios; s1's flaw ``coin`` is passed at random (a bad item);
    self-reported sex for all but four (two of them a group of two); three delivery records each,
    after their submissions, for the first half."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n):
        name = f"c{c:03}"
        skill = rng.uniform(0.1, 0.95)
        for scenario, flaws in (("s1", ("f1", "f2", "f3")), ("s2", ("g1", "g2"))):
            verdicts = {f: bool(rng.random() < skill) for f in flaws}
            if scenario == "s1":
                verdicts["coin"] = bool(rng.random() < 0.5)
            add_graded(store, name, scenario, verdicts, {"k1": bool(rng.random() < 0.9)}, at=START)
        if c < n // 2:
            store.add(
                *[
                    Record(
                        engineer=name, date=START + timedelta(days=30 + 7 * i), source=f"pr-{i}",
                        dimension=None, outcome="pass" if rng.random() < skill else "fail",
                        weight=1.0, note="",
                    )
                    for i in range(3)
                ]
            )  # fmt: skip
        if c >= 4:
            rows.append((name, "sex", "female" if c % 2 else "male"))
        elif c < 2:
            rows.append((name, "sex", "nonbinary"))
    replace_memberships(store, rows)


@pytest.fixture
def evidence(store: Store):
    fill(store)
    return gather(store, load_profile(), cut=50.0, now=START + timedelta(days=200))


def test_every_section_with_the_summary_first_and_ns_beside_numbers(evidence):
    html = render_cohort_report(evidence)
    for anchor in ("summary", "items", "reliability", "fairness", "validity"):
        assert f'id="{anchor}"' in html
    assert "<script" not in html.lower() and "http://" not in html and "https://" not in html
    assert html.index('id="summary"') < html.index('id="items"')
    said = summary(evidence)
    assert said[0] == "60 candidates have a score."
    assert len(said) == 5 and all(s.endswith(".") for s in said)
    for sentence in said:
        assert str(markupsafe.escape(sentence)) in html
    # The planted coin-flip item is flagged for the author, on the page and in the summary.
    coin = next(i for i in evidence.items.items if i.item == "coin")
    assert coin.flags and any("discrimination" in f for f in coin.flags)
    assert "items with enough responses are flagged" in said[1]
    # n beside the numbers: reliability, validity and every unsuppressed group.
    assert f"n = {evidence.reliability.candidates}" in html
    assert f"{evidence.validity.n} <span" in html
    for a in evidence.fairness.attributes:
        for row in a.rows:
            if not row.suppressed:
                assert f"{row.selected}/{row.n} selected" in html
    # The SEM near the configured cut is reported with how many people it rests on.
    assert "SEM near the cut 50" in html and f"n = {evidence.reliability.near_cut}" in html


def test_a_group_under_five_is_listed_without_numbers(evidence):
    html = render_cohort_report(evidence)
    (sex,) = evidence.fairness.attributes
    small = next(r for r in sex.rows if r.group == "nonbinary")
    assert small.suppressed and small.n is None and small.rate is None
    row = re.search(r"<tr><td>nonbinary</td>(.*?)</tr>", html, re.S)
    assert row is not None and "too few people to show" in row.group(1)
    assert not re.search(r"\d", re.sub(r"<[^>]*>", "", row.group(1)))
    # One hidden group's size would follow from the total minus the rest: it is counted with the
    # unknowns (2 did not report, 2 are nonbinary), so the page never gives it away.
    assert sex.unknown == 4 and sex.unknown_includes_small
    assert "4 scored candidates did not report sex or are in the group too small to show" in html
    shown = sum(r.n or 0 for r in sex.rows if not r.suppressed)
    assert shown + sex.unknown == evidence.candidates


def test_hiring_sees_items_per_scenario_without_naming_any(evidence):
    full = render_cohort_report(evidence)
    assert "<code>coin</code>" in full and "s1@1.0.0:coin" in full
    html = render_cohort_report(evidence, sections=("items", "reliability"))
    assert 'id="fairness"' not in html and 'id="validity"' not in html
    from harness.reports.cohort import cohort_context
    from harness.reports.render import render

    hiring = render(
        "cohort.html.j2",
        generated_at=evidence.generated_at,
        interval_mass=evidence.interval_mass,
        **cohort_context(evidence, item_detail=False),
    )
    for item in ("coin", "f1", "f2", "f3", "g1", "g2", "k1"):
        assert not re.search(rf"\b{item}\b", hiring), item
    # The item fit's warnings name thin items: assessors read them, hiring does not.
    thin = replace(
        evidence,
        items=replace(evidence.items, warnings=("1 item(s) have few responses: s1@1.0.0:f3",)),
    )
    hidden = render(
        "cohort.html.j2",
        generated_at=thin.generated_at,
        interval_mass=thin.interval_mass,
        **cohort_context(thin, item_detail=False),
    )
    assert "s1@1.0.0:f3" not in hidden and "s1@1.0.0:f3" in render_cohort_report(thin)
    groups = {g.scenario: g for g in scenario_items(evidence)}
    assert set(groups) == {"s1@1.0.0", "s2@1.0.0"}
    assert groups["s1@1.0.0"].items == 5 and groups["s1@1.0.0"].responses == 60


def test_dsim_cohort_writes_the_page_and_json(store, tmp_path: Path):
    fill(store, n=30)
    home = tmp_path / "home"
    home.mkdir()
    base = ["--home", str(home), "--db", f"sqlite:///{tmp_path / 'dsim.db'}"]
    env: dict[str, str | None] = {"DSIM_HOME": str(home), "DSIM_DB": None}
    out = tmp_path / "cohort.html"
    done = CliRunner().invoke(cli, [*base, "cohort", "-o", str(out), "--cut", "40"], env=env)
    assert done.exit_code == 0, done.output
    assert 'id="fairness"' in out.read_text() and "SEM near the cut 40" in out.read_text()
    data = json.loads(CliRunner().invoke(cli, [*base, "cohort", "--json"], env=env).output)
    assert data["candidates"] == 30 and len(data["summary"]) == 5
    assert set(data) >= {"items", "reliability", "fairness", "validity"}
    only = tmp_path / "items.html"
    done = CliRunner().invoke(
        cli, [*base, "cohort", "-o", str(only), "--section", "items"], env=env
    )
    assert done.exit_code == 0 and 'id="reliability"' not in only.read_text()
    bad = CliRunner().invoke(cli, [*base, "cohort", "--cut", "140"], env=env)
    assert bad.exit_code != 0 and "140" in bad.output


def test_an_empty_store_gives_a_page_that_says_so(store):
    evidence = gather(store, load_profile())
    html = render_cohort_report(evidence)
    assert "0 candidates have a score." in html
    assert "No graded items yet." in html and "No self-reported group data" in html


def test_the_page_renders_in_headless_chromium(
    evidence, chromium, screenshots, parse_html, tmp_path: Path
):
    page = tmp_path / "cohort.html"
    page.write_text(render_cohort_report(evidence), encoding="utf-8")
    shot = screenshots / "cohort-report.png"
    log, dom = chromium.open(page, shot, tmp_path / "chromium")
    console = [line for line in log.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    assert console == [], console
    rendered = parse_html(dom)
    assert {"summary", "items", "reliability", "fairness", "validity"} <= rendered.ids
    assert "script" not in rendered.tags and rendered.tags.count("svg") >= 4
    assert shot.stat().st_size > 10_000
