"""Self-reported group memberships (sex, ethnicity, …), kept apart from results.

They exist for one purpose: adverse-impact evidence over the whole cohort
(:mod:`harness.evidence.fairness`). Invariants: a person has at most one value per attribute (a
re-import replaces it); nothing that shows one candidate — scores, reports, the exchange file
(:mod:`harness.store.exchange` carries no memberships: they are imported separately, from the
people who reported them) — reads this table; the server reads it only to build the cohort
report's aggregates; the only per-person view is that person's own subject-access export;
erasing a person removes their memberships.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import DateTime, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from harness.errors import DsimError
from harness.store.candidates import normalise_candidate
from harness.store.models import Base, Store, new_id, now


class GroupMembership(Base):
    """One person's self-reported value for one attribute."""

    __tablename__ = "group_memberships"
    __table_args__ = (
        UniqueConstraint("candidate", "attribute", name="uq_group_memberships_candidate_attribute"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    candidate: Mapped[str] = mapped_column(String(200))
    """The candidate id (:func:`~harness.store.candidates.normalise_candidate`)."""
    attribute: Mapped[str] = mapped_column(String(100))
    """What was asked, e.g. ``sex``."""
    value: Mapped[str] = mapped_column(String(200))
    """The group the person reported, as written."""
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


def replace_memberships(
    store: Store, rows: Iterable[tuple[str, str, str]]
) -> dict[str, Counter[str]]:
    """Store (candidate, attribute, value) rows in one transaction, replacing a person's earlier
    value for the same attribute; returns per attribute how many were ``new``, ``changed`` and
    ``unchanged``. Candidate ids are normalised here.

    Raises:
        DsimError: another import stored one of these people's values at the same moment (the
            unique key); nothing was stored.
    """
    try:
        return _replace(store, {(normalise_candidate(c), a): v for c, a, v in rows})
    except IntegrityError as exc:
        raise DsimError(
            "another import stored some of these memberships at the same time; nothing was "
            "imported",
            hint="run the import again",
        ) from exc


def _replace(store: Store, wanted: dict[tuple[str, str], str]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {}
    with store.session() as s:
        people = sorted({c for c, _ in wanted})
        stored: dict[tuple[str, str], GroupMembership] = {}
        for i in range(0, len(people), 500):  # bounded IN lists: databases cap parameters
            chunk = people[i : i + 500]
            query = select(GroupMembership).where(GroupMembership.candidate.in_(chunk))
            stored |= {(r.candidate, r.attribute): r for r in s.scalars(query)}
        for (candidate, attribute), value in wanted.items():
            tally = counts.setdefault(attribute, Counter())
            old = stored.get((candidate, attribute))
            if old is None:
                s.add(GroupMembership(candidate=candidate, attribute=attribute, value=value))
                tally["new"] += 1
            elif old.value != value:
                old.value, old.imported_at = value, now()
                tally["changed"] += 1
            else:
                tally["unchanged"] += 1
    return counts


def memberships(
    store: Store, *, candidate: str | None = None, attribute: str | None = None
) -> list[GroupMembership]:
    """Stored memberships (everyone's, or one candidate's, or one attribute's), in a stable
    order."""
    query = select(GroupMembership).order_by(
        GroupMembership.attribute, GroupMembership.value, GroupMembership.candidate
    )
    if candidate is not None:
        query = query.where(GroupMembership.candidate == normalise_candidate(candidate))
    if attribute is not None:
        query = query.where(GroupMembership.attribute == attribute)
    with store.session() as s:
        return list(s.scalars(query))


def delete_memberships(
    store: Store, *, candidate: str | None = None, attribute: str | None = None
) -> int:
    """Delete memberships (one candidate's, one attribute's, both, or with neither all of them);
    returns how many went."""
    query = delete(GroupMembership)
    if candidate is not None:
        query = query.where(GroupMembership.candidate == normalise_candidate(candidate))
    if attribute is not None:
        query = query.where(GroupMembership.attribute == attribute)
    with store.session() as s:
        return int(s.execute(query).rowcount)  # type: ignore[attr-defined]


def memberships_fingerprint(store: Store) -> str:
    """Changes whenever any stored membership does: a digest of every (candidate, attribute,
    group) row, so a changed value is seen even when clocks disagree (an import stamped by a
    client whose clock is behind). A few thousand short rows: milliseconds."""
    digest = hashlib.sha256()
    with store.session() as s:
        rows = s.execute(
            select(
                GroupMembership.candidate, GroupMembership.attribute, GroupMembership.value
            ).order_by(GroupMembership.candidate, GroupMembership.attribute)
        )
        for row in rows:
            digest.update("\x1f".join(row).encode() + b"\x1e")
    return digest.hexdigest()
