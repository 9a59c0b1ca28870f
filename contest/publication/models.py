"""Publications of results (RULES §6): numbered, immutable versions, their snapshot of
the winners, complaints during the posting period, and the log of notifications sent.

A ``Publication`` is version n of an edition's published results: it points at the results
run it was made from (the latest run of the edition's last round at publish time) and keeps,
in ``entries``, every prize-winning entry as it was published (title, authors' names, unit,
area, field, effective prize after the organizers' decisions, score, rank), so a published
version never changes when entries or decisions change later. A correction publishes version
n + 1 and sets ``superseded_at`` on version n (the only column ever updated, with
``finalized_at``). The posting period (niêm yết) runs from ``published_at`` to
``posting_ends_at`` (NULL: no posting period, final at once).

``Complaint`` — an entrant's complaint (khiếu nại) about one entry's result, lodged during the
posting period of a publication, answered by an organizer (accepted or rejected, with text).

``SentNotification`` — one row per e-mail the system must send at most once (publication
results, complaint answers …): ``key`` is unique, so a retried or duplicated job never sends
the same notification twice (``notifications.send_once``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..models_common import UTCDateTime
from ..timeutil import utcnow


class Publication(Model):
    """Version ``version`` (1, 2, …) of an edition's published results."""

    __tablename__ = "publications"
    __table_args__ = (
        UniqueConstraint("edition_id", "version"),
        CheckConstraint("version >= 1", name="version_range"),
        CheckConstraint("posting_days >= 0", name="posting_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="RESTRICT"))
    run_id: Mapped[int] = mapped_column(ForeignKey("results_runs.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column()
    #: Why this version was published (required for a correction, n ≥ 2).
    note: Mapped[str] = mapped_column(Text, default="")
    #: Non-empty when the organizer published despite open DISCREPANCY / TIE_AT_QUOTA flags.
    override_reason: Mapped[str] = mapped_column(Text, default="")
    posting_days: Mapped[int] = mapped_column(default=15)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    posting_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entry_count: Mapped[int] = mapped_column(default=0)

    edition = relationship("Edition")
    round = relationship("Round")
    run = relationship("ResultsRun")
    published_by = relationship("User", foreign_keys=[published_by_id])
    entries: Mapped[list[PublishedEntry]] = relationship(
        back_populates="publication", order_by="PublishedEntry.position", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Publication {self.id} edition={self.edition_id} v{self.version}>"


class PublishedEntry(Model):
    """One prize-winning entry as published in one version (immutable)."""

    __tablename__ = "publication_entries"
    __table_args__ = (
        UniqueConstraint("publication_id", "entry_id"),
        UniqueConstraint("publication_id", "position"),
        Index("ix_publication_entries_entry_id", "entry_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="RESTRICT"))
    #: Order of the official list: field order, then prize level order, then rank, then code.
    position: Mapped[int] = mapped_column()
    entry_code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    field_code: Mapped[str] = mapped_column(String(20))
    field_name: Mapped[str] = mapped_column(String(300))
    board_code: Mapped[str | None] = mapped_column(String(20))
    board_name: Mapped[str] = mapped_column(String(300), default="")
    prize_code: Mapped[str] = mapped_column(String(20))
    prize_name: Mapped[str] = mapped_column(String(300))
    #: The prize level's position in the edition (0 = highest), for ordering.
    prize_position: Mapped[int] = mapped_column(default=0)
    #: True when the prize comes from an organizers' decision, not the computed proposal.
    decided: Mapped[bool] = mapped_column(default=False)
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    rank: Mapped[int | None] = mapped_column()
    #: Authors' full names in order (only names: the public page must never show more).
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    unit_name: Mapped[str] = mapped_column(String(300), default="")
    area_name: Mapped[str] = mapped_column(String(200), default="")

    publication: Mapped[Publication] = relationship(back_populates="entries")
    entry = relationship("Entry")


class ComplaintStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Complaint(Model):
    """An entrant's complaint about one entry's published result."""

    __tablename__ = "publication_complaints"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'accepted', 'rejected')", name="status_valid"),
        Index("ix_publication_complaints_publication_id", "publication_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=ComplaintStatus.OPEN.value)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    publication = relationship("Publication")
    entry = relationship("Entry")
    user = relationship("User", foreign_keys=[user_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])


class SentNotification(Model):
    """A notification that must be sent at most once; ``key`` names it."""

    __tablename__ = "sent_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
