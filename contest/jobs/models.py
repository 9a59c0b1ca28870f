"""The job row: status and progress of one background task."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..models_common import UTCDateTime
from ..timeutil import utcnow

if TYPE_CHECKING:
    from ..accounts.models import User


class JobStatus(enum.StrEnum):
    """Life cycle: pending → queued → running → succeeded | failed."""

    PENDING = "pending"  # committed, not yet handed to the broker (or the broker was down)
    QUEUED = "queued"  # handed to the broker
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


FINISHED = (JobStatus.SUCCEEDED.value, JobStatus.FAILED.value)


class Job(Model):
    """A background job. The row is committed before the task is enqueued."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'queued', 'running', 'succeeded', 'failed')",
            name="status_valid",
        ),
        CheckConstraint("progress >= 0 AND progress <= total", name="progress_range"),
        Index("ix_jobs_status_created_at", "status", "created_at"),
        Index("ix_jobs_status_heartbeat_at", "status", "heartbeat_at"),
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
    # Runs started (each claim adds one); a message carries the count at its sending.
    attempts: Mapped[int] = mapped_column(default=0)
    enqueue_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Written while the job runs; a running job whose heartbeat is too old has stalled.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Times the sweeper re-enqueued the job after it stalled (reset by a manual re-run).
    auto_reruns: Mapped[int] = mapped_column(default=0, server_default="0")

    created_by: Mapped[User | None] = relationship("User", foreign_keys=[created_by_id])

    @property
    def done(self) -> bool:
        """True once the job has finished, well or badly."""
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        """Progress as a whole percentage (100 for a finished job with no steps)."""
        if self.total <= 0:
            return 100 if self.done else 0
        return max(0, min(100, int(100 * self.progress / self.total)))

    @property
    def error_summary(self) -> str:
        """The last line of the stored error (the exception), without the traceback and
        without the statement and link SQLAlchemy adds."""
        lines = [line.strip() for line in (self.error or "").strip().splitlines()]
        # SQLAlchemy appends the statement and a link after the exception's line.
        noise = ("(Background on this error", "[SQL:", "[parameters:")
        lines = [line for line in lines if line and not line.startswith(noise)]
        return lines[-1] if lines else ""

    def visible_to(self, user) -> bool:
        """Whether ``user`` may see this job: its creator and the organizers (and admins); an
        organizer bound to a province only the jobs of that province's people."""
        from ..accounts.models import Role
        from ..areas.provinces import user_province_id

        if user is None or not getattr(user, "is_authenticated", False):
            return False
        if self.created_by_id == user.id:
            return True
        if not user.has_role(Role.ORGANIZER):
            return False
        own = user_province_id(user)  # an organizer of a province: its people's jobs only
        return own is None or (
            self.created_by is not None and user_province_id(self.created_by) == own
        )

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"
