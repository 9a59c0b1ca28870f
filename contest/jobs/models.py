"""The job row: status and progress of one background task."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_common import UTCDateTime
from ..timeutil import utcnow


class JobStatus(enum.StrEnum):
    PENDING = "pending"  # committed, not yet handed to the broker (or the broker was down)
    QUEUED = "queued"  # handed to the broker
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Job(db.Model):
    """A background job. The row is committed before the task is enqueued."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'queued', 'running', 'succeeded', 'failed')",
            name="status_valid",
        ),
        CheckConstraint("progress >= 0 AND progress <= total", name="progress_range"),
        Index("ix_jobs_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.PENDING.value)
    progress: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=100)
    message: Mapped[str] = mapped_column(String(300), default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    enqueue_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def done(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        return 100 if self.total <= 0 else int(100 * self.progress / self.total)
