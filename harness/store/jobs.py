"""Grading jobs and scenario archives: what the queue and its workers share through the store.

A job is one submission to grade against one result key; ``(submission_id, key)`` is unique, so
however often a message is delivered there is one job row, and a worker grades only what it has
claimed (:mod:`harness.queue`). A scenario archive is a scenario's exact content, addressed by its
content hash, so a worker that has never seen a scenario can grade against it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harness.store.models import Base, new_id, now

JOB_STATES = ("queued", "running", "done", "infra_error")


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("submission_id", "key", name="uq_jobs_submission_key"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    scenario_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), index=True, default="queued")
    force: Mapped[bool] = mapped_column(default=False)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    enqueued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    not_before: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    """A queued job is not claimed before this (an infrastructure retry's backoff); None: now."""


class ScenarioArchive(Base):
    __tablename__ = "scenario_archives"
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    scenario_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    """A gzipped tar of the scenario folder (no symlinks, no caches)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
