"""Entry tables: the entry (hồ sơ dự thi), its authors, its attachments and the per-field code
counters. The database enforces what it can: status and source values, one code per edition,
a code on every entry past the draft stage, unique author positions, attachment kinds.

``Entry.version`` is an optimistic lock: every UPDATE of the row checks and bumps it, so an
edit made from a stale page (or a second browser tab) is refused instead of silently
overwriting the first."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..contests.apply import register_delete_guard
from ..contests.models import ATTACHMENT_KINDS
from ..extensions import Model, db
from ..models_common import UTCDateTime
from ..timeutil import utcnow


class EntryStatus(enum.StrEnum):
    """Where an entry stands (RULES.md §3)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self):
        """The status as people read it."""
        return STATUS_LABELS[self]


STATUS_VALUES = tuple(s.value for s in EntryStatus)

STATUS_LABELS = {
    EntryStatus.DRAFT: _l("Bản nháp"),
    EntryStatus.SUBMITTED: _l("Đã nộp"),
    EntryStatus.RECEIVED: _l("Đã tiếp nhận"),
    EntryStatus.ACCEPTED: _l("Được đưa vào chấm"),
    EntryStatus.REJECTED: _l("Bị loại"),
    EntryStatus.WITHDRAWN: _l("Đã rút"),
}


class EntrySource(enum.StrEnum):
    """How the entry reached the service: registered on the web or imported from a file."""

    WEB = "web"
    IMPORT = "import"


GENDER_LABELS = {"M": _l("Nam"), "F": _l("Nữ"), "": _l("Không ghi")}


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Entry(Model):
    """One entry of an edition: registration data, status, code and optimistic version."""

    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("edition_id", "code"),
        CheckConstraint(_in("status", STATUS_VALUES), name="status_valid"),
        CheckConstraint(_in("source", tuple(s.value for s in EntrySource)), name="source_valid"),
        CheckConstraint("status = 'draft' OR code IS NOT NULL", name="code_after_draft"),
        CheckConstraint("version >= 1", name="version_range"),
        Index("ix_entries_edition_status", "edition_id", "status"),
        Index("ix_entries_edition_submitted", "edition_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # (edition_id, code) is unique and (edition_id, status) indexed: no index of its own.
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="RESTRICT"))
    code: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    # A field belongs to one edition: the field index serves "edition and field" too.
    field_id: Mapped[int] = mapped_column(
        ForeignKey("edition_fields.id", ondelete="RESTRICT"), index=True
    )
    board_id: Mapped[int | None] = mapped_column(
        ForeignKey("edition_boards.id", ondelete="RESTRICT"), index=True
    )
    summary: Mapped[str] = mapped_column(Text, default="")
    # The area (district / commune); an imported name that matches no area is kept as text.
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("areas.id", ondelete="RESTRICT"), index=True
    )
    area_name: Mapped[str] = mapped_column(String(200), default="")
    # The names the area and its district had when the edition ran ("" while they follow the
    # tree): set before the tree changes under a closed edition (contest.areas.snapshots).
    area_snapshot: Mapped[str] = mapped_column(String(200), default="", server_default="")
    district_snapshot: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The sending (youth) or applying (technical) unit; the typed name is always kept.
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="RESTRICT"), index=True
    )
    unit_name: Mapped[str] = mapped_column(String(300), default="")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=EntryStatus.DRAFT.value)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    # Youth: the mentor teacher (optional).
    mentor_name: Mapped[str] = mapped_column(String(200), default="")
    mentor_unit: Mapped[str] = mapped_column(String(300), default="")
    mentor_phone: Mapped[str] = mapped_column(String(40), default="")
    mentor_email: Mapped[str] = mapped_column(String(254), default="")
    # Technical: when and where the solution was first applied in practice.
    applied_at: Mapped[date | None] = mapped_column(Date)
    applied_where: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(10), default=EntrySource.WEB.value)
    # What judges read instead of the title and summary, written by an organizer (None: the
    # entrant's own text); judges get it masked all the same (contest.judging.masking).
    judge_title: Mapped[str | None] = mapped_column(String(300))
    judge_summary: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    edition = relationship("Edition")
    field = relationship("EditionField")
    board = relationship("Board")
    area = relationship("Area")
    unit = relationship("Unit")
    owner = relationship("User")
    authors: Mapped[list[Author]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="Author.position"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="entry",
        cascade="all, delete-orphan",
        order_by="(Attachment.kind, Attachment.id)",
    )

    @property
    def entry_status(self) -> EntryStatus:
        """The status as an enum (its ``label`` is the Vietnamese name)."""
        return EntryStatus(self.status)

    @property
    def representative(self) -> Author | None:
        """The author who represents the entry (the first author when none is marked)."""
        marked = [a for a in self.authors if a.is_representative]
        return marked[0] if marked else (self.authors[0] if self.authors else None)

    @property
    def area_label(self) -> str:
        """The area's name (as it was when the edition ran), or the text kept from an import."""
        if self.area_snapshot:
            return self.area_snapshot
        return self.area.name if self.area is not None else self.area_name

    @property
    def unit_label(self) -> str:
        """The unit's name (the typed name wins: it is what the entrant wrote)."""
        return self.unit_name or (self.unit.name if self.unit is not None else "")

    def __repr__(self) -> str:
        return f"<Entry {self.id} {self.code or 'draft'}>"


class Author(Model):
    """An author of an entry; ``position`` counts from 1; one author is the representative
    (enforced by the operations)."""

    __tablename__ = "entry_authors"
    __table_args__ = (
        UniqueConstraint("entry_id", "position"),
        CheckConstraint("position >= 1", name="position_range"),
        CheckConstraint("gender IN ('M', 'F', '')", name="gender_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # (entry_id, position) is unique: that index serves lookups by entry too.
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    full_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(1), default="")
    ethnicity: Mapped[str] = mapped_column(String(50), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    class_or_position: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    is_representative: Mapped[bool] = mapped_column(default=False)

    entry: Mapped[Entry] = relationship(back_populates="authors")


class Attachment(Model):
    """A stored file of an entry's dossier. The bytes live in :mod:`contest.storage` under
    ``storage_key`` (never a user's path); ``thumbnail_key`` for images."""

    __tablename__ = "entry_attachments"
    __table_args__ = (
        CheckConstraint(_in("kind", ATTACHMENT_KINDS), name="kind_valid"),
        CheckConstraint("size_bytes >= 0", name="size_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    original_name: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    thumbnail_key: Mapped[str | None] = mapped_column(String(200))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="attachments")
    uploaded_by = relationship("User")


class EntryCodeCounter(Model):
    """The next number of the entry codes of one field of one edition (``…-CNTT-007``).

    Taken with ``UPDATE … SET next_number = next_number + 1 RETURNING``: the row lock makes
    concurrent submissions wait for each other, so no number is handed out twice."""

    __tablename__ = "entry_code_counters"
    __table_args__ = (CheckConstraint("next_number >= 1", name="next_number_range"),)

    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True
    )
    field_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    next_number: Mapped[int] = mapped_column(default=1)


# --- Deletion guards: a field or board that has entries stays --------------------------------


@register_delete_guard("fields")
def _field_has_entries(field) -> str | None:
    """Refuse to delete a field that entries belong to."""
    if field.id is None:
        return None
    n = db.session.scalar(select(func.count(Entry.id)).where(Entry.field_id == field.id)) or 0
    if n:
        return str(_l("đang có %(n)d hồ sơ", n=n))
    return None


@register_delete_guard("boards")
def _board_has_entries(board) -> str | None:
    """Refuse to delete a board that entries belong to."""
    if board.id is None:
        return None
    n = db.session.scalar(select(func.count(Entry.id)).where(Entry.board_id == board.id)) or 0
    if n:
        return str(_l("đang có %(n)d hồ sơ", n=n))
    return None
