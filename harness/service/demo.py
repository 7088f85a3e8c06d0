"""``dsim serve --demo``: sample users, candidates and an invite, so a newcomer can click through.

The candidates' submissions are each scenario's shipped partial sample and the AI change shipped
as it is, queued for grading like any other submission.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from harness.scenarios.scenario import resolve
from harness.service import people
from harness.store import Store
from harness.workspace.submit import hand_in

SCENARIOS = ("invoice-rounding", "feature-flags", "upload-paths")
CANDIDATES = {
    "ada": "partial",
    "grace": "partial",
    "linus": "",
}
"""Demo candidates and what they hand in: a scenario sample, or '' (the AI change as it is)."""
PASSWORD = "demo-password"  # noqa: S105 - the demo's published password, printed


def seed(store: Store, url: str) -> Iterator[str]:
    """Seed the demo (once: a store with a demo admin is left as it is); yield what to tell."""
    from harness.queue import enqueue

    if any(u.name == "demo-admin" for u in people.users(store)):
        yield "Demo data is already there (users demo-admin, demo-assessor, demo-hiring)."
        return
    for role in ("admin", "assessor", "hiring"):
        people.add_user(store, f"demo-{role}", role, PASSWORD)
    queued = []
    for scenario_id in SCENARIOS:
        scenario = resolve(scenario_id)
        for candidate, sample in CANDIDATES.items():
            folder = scenario.path / "samples" / sample
            diff, review = "", ""
            if sample and (folder / "change.patch").is_file():
                diff = (folder / "change.patch").read_text(encoding="utf-8")
                review = (folder / "REVIEW.md").read_text(encoding="utf-8")
            receipt = hand_in(
                store,
                scenario,
                candidate=candidate,
                diff=diff,
                review_text=review,
                source="demo",
            )
            queued.append(receipt.submission.id)
    enqueue(store, queued)
    made = people.create_invite(
        store, "new-hire", ["invoice-rounding"], by="demo-admin", expires=timedelta(days=7)
    )
    yield f"Demo: users demo-admin, demo-assessor and demo-hiring, password {PASSWORD!r}."
    yield f"Demo: {len(queued)} sample submissions queued for grading."
    yield f"Demo: a candidate's invite link: {made.link(url)}"
