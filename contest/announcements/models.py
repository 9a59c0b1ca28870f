"""An announcement (thông báo) from the organizers to one audience of an edition, and its
recipients frozen when it is sent.

The recipient rows are the record of who was written to and the sending's progress:
``pending`` until the job handles the address, then ``sent`` or ``failed`` (the mail server
refused it; a resumed job tries it again). Delivery itself is at most once per address through
``sent_notifications`` (key ``announcement:<id>:<address>``).
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..models_common import UTCDateTime
from ..timeutil import utcnow


class Audience(enum.StrEnum):
    """Who an announcement is for (within one edition)."""

    DRAFTS = "drafts"  # owners of draft entries
    SUBMITTED = "submitted"  # owners of submitted or received entries
    ACCEPTED_AUTHORS = "accepted_authors"  # authors (else the owner) of accepted entries
    COORDINATORS = "coordinators"  # coordinators of areas with entries
    ALL_COORDINATORS = "all_coordinators"  # every coordinator (of the area filter)
    JUDGES = "judges"  # judges on the edition's panels

    @property
    def label(self):
        """The audience as organizers read it."""
        return AUDIENCE_LABELS[self]


AUDIENCE_LABELS = {
    Audience.DRAFTS: _l("Thí sinh có hồ sơ nháp (chưa nộp)"),
    Audience.SUBMITTED: _l("Thí sinh có hồ sơ đã nộp hoặc đã tiếp nhận"),
    Audience.ACCEPTED_AUTHORS: _l("Tác giả các hồ sơ được đưa vào chấm"),
    Audience.COORDINATORS: _l("Cán bộ đầu mối các địa bàn có hồ sơ"),
    Audience.ALL_COORDINATORS: _l("Tất cả cán bộ đầu mối"),
    Audience.JUDGES: _l("Giám khảo trong các tiểu ban của lần thi"),
}


class RecipientStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Announcement(Model):
    """One message to one audience; the area and field filters are kept by name as well, so
    the record still reads right after an area or field is renamed or removed."""

    __tablename__ = "announcements"
    __table_args__ = (
        CheckConstraint(_in("audience", [a.value for a in Audience]), name="audience_valid"),
        CheckConstraint("recipient_count >= 0", name="recipient_count_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[str] = mapped_column(String(30))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    area_name: Mapped[str] = mapped_column(String(200), default="")
    field_id: Mapped[int | None] = mapped_column(
        ForeignKey("edition_fields.id", ondelete="SET NULL")
    )
    field_name: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    recipient_count: Mapped[int] = mapped_column(default=0)
    # The latest sending job (a resumed sending starts a new one).
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition = relationship("Edition")
    job = relationship("Job")
    created_by = relationship("User")
    recipients: Mapped[list[AnnouncementRecipient]] = relationship(
        back_populates="announcement",
        cascade="all, delete-orphan",
        order_by="AnnouncementRecipient.id",
        passive_deletes=True,
    )

    @property
    def audience_label(self):
        return Audience(self.audience).label


class AnnouncementRecipient(Model):
    """One address an announcement goes to (one row per address, case-insensitively)."""

    __tablename__ = "announcement_recipients"
    __table_args__ = (
        UniqueConstraint("announcement_id", "email"),
        CheckConstraint(_in("status", [s.value for s in RecipientStatus]), name="status_valid"),
        Index("ix_announcement_recipients_status", "announcement_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default=RecipientStatus.PENDING.value)
    error: Mapped[str] = mapped_column(String(300), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    announcement: Mapped[Announcement] = relationship(back_populates="recipients")
