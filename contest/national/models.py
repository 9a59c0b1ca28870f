"""The national level's tables: a province's national selection and what came back from the
national contest (RULES §6), and, in a national edition, where each entry came from.

**National selection** (chọn sản phẩm dự thi toàn quốc).
The list of entries the province sends to the national contest is computed, not stored: the
default rule proposes the current publication's winners, highest prizes first, up to the
edition's ``national_max`` (``selection.proposal``). What is stored are the organizers'
departures from that rule and what came back from the national contest:

``NationalChoice`` — one override about one entry of an edition: ``include`` True adds a
published winner to the list (whatever the proposal says), False removes it. Like a prize
decision it is never edited: a new choice for the same entry supersedes the active one, and
undoing a choice (back to the proposal) supersedes it with no successor, with its reason
(``undo_reason``). At most one choice per (edition, entry) is active: a partial unique index
refuses a second one (two organizers choosing at the same moment).

``NationalResult`` — the result an entry obtained at the national contest ("Giải Ba", "Giải
Khuyến khích", "Không đạt giải"…), one per (edition, entry); it may be corrected later (the
audit log keeps every before → after).

**National intake** (editions flagged as national are
``contest.contests.national_flag.NationalEdition``).

``NationalArrival`` — the provenance of one entry of a national edition: the sending
province (name, official code), the entry's code and result there, the package it came in
(SHA-256) and when. ``(edition, province code, source entry code)`` is unique: a package
re-imported updates its entries, never duplicates them; ``content_sha256`` (the entry's
part of the manifest) tells an unchanged entry from a corrected one.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..models_common import UTCDateTime
from ..timeutil import utcnow


class NationalChoice(Model):
    """One override of the organizers about one entry of the national list."""

    __tablename__ = "national_choices"
    __table_args__ = (
        Index("ix_national_choices_edition_entry", "edition_id", "entry_id"),
        Index(
            "uq_national_choices_active",
            "edition_id",
            "entry_id",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    #: True: add the entry to the list; False: remove it.
    include: Mapped[bool] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: Why the choice was undone (empty when a later choice superseded it).
    undo_reason: Mapped[str] = mapped_column(Text, default="")

    entry = relationship("Entry")
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    superseded_by = relationship("User", foreign_keys=[superseded_by_id])

    @property
    def active(self) -> bool:
        """True until superseded or undone."""
        return self.superseded_at is None

    def __repr__(self) -> str:
        verb = "include" if self.include else "exclude"
        return f"<NationalChoice {self.id} entry={self.entry_id} {verb}>"


class NationalResult(Model):
    """The result one selected entry obtained at the national contest."""

    __tablename__ = "national_results"
    __table_args__ = (UniqueConstraint("edition_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    #: As the national organizers wrote it, e.g. "Giải Ba".
    result: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry = relationship("Entry")
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])

    def __repr__(self) -> str:
        return f"<NationalResult {self.id} entry={self.entry_id} {self.result!r}>"


class NationalArrival(Model):
    """Where an entry of a national edition came from (module docstring)."""

    __tablename__ = "national_arrivals"
    __table_args__ = (UniqueConstraint("edition_id", "province_code", "source_entry_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), unique=True)
    province_code: Mapped[str] = mapped_column(String(20))
    province_name: Mapped[str] = mapped_column(String(200))
    source_edition_slug: Mapped[str] = mapped_column(String(80))
    source_edition_title: Mapped[str] = mapped_column(String(300))
    source_entry_code: Mapped[str] = mapped_column(String(40))
    prize_name: Mapped[str] = mapped_column(String(300), default="")
    prize_position: Mapped[int | None] = mapped_column()
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    rank: Mapped[int | None] = mapped_column()
    publication_version: Mapped[int | None] = mapped_column()
    files_expected: Mapped[int] = mapped_column(default=0)
    package_sha256: Mapped[str] = mapped_column(String(64))
    content_sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    entry = relationship("Entry")
