"""Edition tables: the edition and its fields, boards, criteria, rounds, prize levels and
deadline extensions. Every child is unique by ``(edition, code)``; ranges are checked by the
database too (validation.py gives the messages an organizer reads first)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..models_common import UTCDateTime
from ..timeutil import utcnow


class ContestKind(enum.StrEnum):
    """The two contests of RULES.md §1."""

    YOUTH = "youth"
    TECHNICAL = "technical"

    @property
    def label(self):
        """The contest's Vietnamese name."""
        return KIND_LABELS[self]


KIND_LABELS = {
    ContestKind.YOUTH: _l("Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng"),
    ContestKind.TECHNICAL: _l("Hội thi Sáng tạo Kỹ thuật"),
}


class AttachmentKind(enum.StrEnum):
    """Kinds of attachment a dossier may require (RULES.md §3)."""

    DESCRIPTION = "description"
    FULL_TEXT = "full_text"
    PHOTOS = "photos"
    VIDEO = "video"
    SOURCE_CODE = "source_code"
    INSTALLER = "installer"
    INSTRUCTIONS = "instructions"
    UNIT_CONFIRMATION = "unit_confirmation"
    REGISTRATION_FORM = "registration_form"
    IDENTITY_DOCUMENT = "identity_document"


ATTACHMENT_KINDS = tuple(k.value for k in AttachmentKind)

#: Kinds only organizers see unless the edition says otherwise: the unit's confirmation, the
#: signed registration form and the authors' identity documents name the school, the authors
#: or their home by design, which blind judging must not show (RULES.md §4).
ORGANIZER_ONLY_DEFAULT = (
    AttachmentKind.UNIT_CONFIRMATION.value,
    AttachmentKind.REGISTRATION_FORM.value,
    AttachmentKind.IDENTITY_DOCUMENT.value,
)


def default_organizer_only() -> list[str]:
    """A fresh copy of :data:`ORGANIZER_ONLY_DEFAULT`."""
    return list(ORGANIZER_ONLY_DEFAULT)


class PrizeScope(enum.StrEnum):
    """Where a prize quota applies: per field (× board) or over the whole edition."""

    FIELD = "field"
    EDITION = "edition"


class Edition(Model):
    """One edition of a contest ("lần thứ N"), with its whole configuration.

    ``version`` guards against two organizers overwriting each other's changes."""

    __tablename__ = "editions"
    __table_args__ = (
        CheckConstraint("kind IN ('youth', 'technical')", name="kind_valid"),
        CheckConstraint("number IS NULL OR number >= 1", name="number_range"),
        CheckConstraint(
            "(age_min IS NULL AND age_max IS NULL) OR "
            "(age_min IS NOT NULL AND age_max IS NOT NULL AND age_min >= 0 AND age_max >= age_min)",
            name="age_range",
        ),
        CheckConstraint("max_authors >= 1", name="max_authors_range"),
        CheckConstraint("judges_per_entry >= 1", name="judges_range"),
        CheckConstraint("discrepancy_threshold >= 0", name="discrepancy_range"),
        CheckConstraint("national_max IS NULL OR national_max >= 0", name="national_max_range"),
        CheckConstraint(
            "reminder_days_before >= 0 AND reminder_days_before <= 60", name="reminder_days_range"
        ),
        CheckConstraint(
            "opens_at IS NULL OR opens_at < submission_deadline", name="deadline_after_opening"
        ),
        CheckConstraint(
            "judging_ends_at IS NULL OR "
            "(judging_starts_at IS NOT NULL AND judging_ends_at > judging_starts_at)",
            name="judging_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    number: Mapped[int | None] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    organizing_units: Mapped[str] = mapped_column(Text, default="")
    rules_document_path: Mapped[str | None] = mapped_column(String(500))
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submission_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    reference_date: Mapped[date] = mapped_column(Date)
    age_min: Mapped[int | None] = mapped_column()
    age_max: Mapped[int | None] = mapped_column()
    max_authors: Mapped[int] = mapped_column()
    applied_since: Mapped[date | None] = mapped_column(Date)
    judges_per_entry: Mapped[int] = mapped_column(default=2)
    discrepancy_threshold: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(20))
    national_max: Mapped[int | None] = mapped_column()
    judging_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    judging_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Days before an entrant's effective deadline when an unsubmitted draft gets its one
    # reminder e-mail (0: no reminders; contest.announcements.reminders).
    reminder_days_before: Mapped[int] = mapped_column(default=3, server_default="3")
    # Attachment kinds judges never receive (only organizers, the owner and coordinators do).
    organizer_only_attachments: Mapped[list[str]] = mapped_column(
        JSON, default=default_organizer_only
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The province whose organizers run the edition (contest.contests.tenancy); None for an
    # instance-wide edition (national, or made before provinces).
    province_id: Mapped[int | None] = mapped_column(
        ForeignKey("areas.id", ondelete="RESTRICT"), index=True
    )
    # The edition this one continues (cloned from it, or chosen): statistics compare with it.
    predecessor_id: Mapped[int | None] = mapped_column(
        ForeignKey("editions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    fields: Mapped[list[EditionField]] = relationship(
        back_populates="edition", cascade="all, delete-orphan", order_by="EditionField.position"
    )
    boards: Mapped[list[Board]] = relationship(
        back_populates="edition", cascade="all, delete-orphan", order_by="Board.position"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="edition", cascade="all, delete-orphan", order_by="Criterion.position"
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="edition", cascade="all, delete-orphan", order_by="Round.position"
    )
    prizes: Mapped[list[PrizeLevel]] = relationship(
        back_populates="edition", cascade="all, delete-orphan", order_by="PrizeLevel.position"
    )
    extensions: Mapped[list[DeadlineExtension]] = relationship(
        back_populates="edition",
        cascade="all, delete-orphan",
        order_by="(DeadlineExtension.created_at, DeadlineExtension.id)",
    )
    created_by = relationship("User", foreign_keys=[created_by_id])
    predecessor = relationship("Edition", remote_side=[id], foreign_keys=[predecessor_id])
    province = relationship("Area", foreign_keys=[province_id])

    @property
    def contest_kind(self) -> ContestKind:
        """The kind as an enum (its ``label`` is the contest's name)."""
        return ContestKind(self.kind)

    @property
    def active_criteria(self) -> list[Criterion]:
        """Criteria not retired, in order: the ones a new score sheet shows."""
        return [c for c in self.criteria if c.retired_at is None]

    def tiebreak_order(self) -> list[Criterion]:
        """Active criteria in tie-break order: those with a tie-break position first (in that
        order), then the others in criteria order (RULES.md §5.5)."""
        active = self.active_criteria
        ranked = sorted(
            (c for c in active if c.tiebreak_position is not None),
            key=lambda c: c.tiebreak_position or 0,  # never None here
        )
        return ranked + [c for c in active if c.tiebreak_position is None]

    def judges_may_see(self, kind: str) -> bool:
        """True unless attachments of ``kind`` are for organizers only."""
        return kind not in (self.organizer_only_attachments or ())

    def field_by_code(self, code: str) -> EditionField | None:
        """The field with ``code``, if any."""
        return next((f for f in self.fields if f.code == code), None)

    def __repr__(self) -> str:
        return f"<Edition {self.id} {self.slug}>"


class EditionField(Model):
    """A field (lĩnh vực) and its dossier checklist: the attachment kinds it requires."""

    __tablename__ = "edition_fields"
    __table_args__ = (UniqueConstraint("edition_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # (edition_id, code) is unique: that index serves lookups by edition too.
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    required_attachments: Mapped[list[str]] = mapped_column(JSON, default=list)

    edition: Mapped[Edition] = relationship(back_populates="fields")


class Board(Model):
    """A board (bảng), e.g. THPT vs THCS + Tiểu học; ranking runs per field × board."""

    __tablename__ = "edition_boards"
    __table_args__ = (UniqueConstraint("edition_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # (edition_id, code) is unique: that index serves lookups by edition too.
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)

    edition: Mapped[Edition] = relationship(back_populates="boards")


class Criterion(Model):
    """A scoring criterion. A retired criterion stays (old scores remain valid) but is not
    shown on new score sheets."""

    __tablename__ = "criteria"
    __table_args__ = (
        UniqueConstraint("edition_id", "code"),
        CheckConstraint("max_points > 0 AND max_points <= 100", name="max_points_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # (edition_id, code) is unique: that index serves lookups by edition too.
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    max_points: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    position: Mapped[int] = mapped_column(default=0)
    tiebreak_position: Mapped[int | None] = mapped_column()
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What earns high or low points, shown to judges under the criterion on the sheet.
    guidance: Mapped[str] = mapped_column(Text, default="", server_default="")

    edition: Mapped[Edition] = relationship(back_populates="criteria")


#: RULES §4: a preliminary round passes the entries scoring ≥ its cutoff, 60 when none is set.
DEFAULT_CUTOFF = Decimal(60)


class Round(Model):
    """A judging round; a round before the last passes entries scoring ≥ ``pass_mark`` to the
    next (its cutoff, or RULES' default 60 when it names none)."""

    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("edition_id", "code"),
        CheckConstraint("cutoff IS NULL OR (cutoff >= 0 AND cutoff <= 100)", name="cutoff_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # (edition_id, code) is unique: that index serves lookups by edition too.
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)
    cutoff: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))

    edition: Mapped[Edition] = relationship(back_populates="rounds")

    @property
    def pass_mark(self) -> Decimal:
        """The score an entry needs in this round to reach the next (when there is one)."""
        return DEFAULT_CUTOFF if self.cutoff is None else self.cutoff


class PrizeLevel(Model):
    """A prize level: band (minimum score), quota and its scope, amount, automatic or not."""

    __tablename__ = "prize_levels"
    __table_args__ = (
        UniqueConstraint("edition_id", "code"),
        CheckConstraint("scope IN ('field', 'edition')", name="scope_valid"),
        CheckConstraint(
            "min_score IS NULL OR (min_score >= 0 AND min_score <= 100)", name="min_score_range"
        ),
        CheckConstraint("quota IS NULL OR quota >= 0", name="quota_range"),
        CheckConstraint("amount_vnd IS NULL OR amount_vnd >= 0", name="amount_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # (edition_id, code) is unique: that index serves lookups by edition too.
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    min_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    quota: Mapped[int | None] = mapped_column()
    scope: Mapped[str] = mapped_column(String(10), default=PrizeScope.FIELD.value)
    amount_vnd: Mapped[int | None] = mapped_column(BigInteger)
    automatic: Mapped[bool] = mapped_column(default=True)

    edition: Mapped[Edition] = relationship(back_populates="prizes")


class DeadlineExtension(Model):
    """A later submission deadline for the whole edition (``area_id`` NULL) or for one area
    and every area under it."""

    __tablename__ = "deadline_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    new_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition: Mapped[Edition] = relationship(back_populates="extensions")
    area = relationship("Area")
    created_by = relationship("User", foreign_keys=[created_by_id])
