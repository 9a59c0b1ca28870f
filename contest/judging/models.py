"""Judging tables (RULES.md §4): panels and their judges, conflicts of interest, assignments,
score sheets with their scores, and the organizer's panel score (RULES.md §5.2).

The database enforces what it can: one panel per (edition, field, round), a judge once per
panel, one assignment and one score sheet per (round, entry, judge), one score per (sheet,
criterion), points ≥ 0 in steps of 0.5, status and source values, a submitted sheet has its
submission time. The maximum of a criterion is checked by the operations (it lives on the
criterion row). ``ScoreSheet.version`` is an optimistic lock: every UPDATE checks and bumps it.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..contests.apply import register_delete_guard
from ..entries.models import Entry  # noqa: F401 - the mapping the relationships name
from ..extensions import Model, db
from ..models_common import UTCDateTime
from ..timeutil import utcnow

if TYPE_CHECKING:
    from .recusal import DropResult


class ConflictKind(enum.StrEnum):
    """What a conflict of interest is about."""

    UNIT = "unit"
    AREA = "area"
    ENTRY = "entry"
    PERSON = "person"
    MENTOR = "mentor"


class ConflictOrigin(enum.StrEnum):
    """Who recorded a stored conflict (inferred conflicts are computed, never stored)."""

    DECLARED = "declared"  # by the judge
    ORGANIZER = "organizer"  # by an organizer on the judge's behalf


class SheetStatus(enum.StrEnum):
    """A score sheet is a draft until the judge submits it."""

    DRAFT = "draft"
    SUBMITTED = "submitted"

    @property
    def label(self):
        """The status as people read it."""
        return SHEET_STATUS_LABELS[self]


SHEET_STATUS_LABELS = {SheetStatus.DRAFT: _l("Bản nháp"), SheetStatus.SUBMITTED: _l("Đã nộp")}


class SheetSource(enum.StrEnum):
    """How the sheet's points reached the service."""

    WEB = "web"
    IMPORT = "import"
    PAPER = "paper"


def _in(column: str, values) -> str:
    """SQL ``column IN ('a', 'b')`` for a check constraint."""
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Panel(Model):
    """A panel (tiểu ban) of judges for one field of one round; ``chair`` is one of them."""

    __tablename__ = "judging_panels"
    __table_args__ = (UniqueConstraint("edition_id", "field_id", "round_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    field_id: Mapped[int] = mapped_column(
        ForeignKey("edition_fields.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition = relationship("Edition")
    field = relationship("EditionField")
    round = relationship("Round")
    chair = relationship("User", foreign_keys=[chair_id])
    members: Mapped[list[PanelMember]] = relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="PanelMember.id"
    )

    @property
    def judge_ids(self) -> list[int]:
        """Ids of the panel's judges, in the order they joined."""
        return [m.judge_id for m in self.members]

    def __repr__(self) -> str:
        return f"<Panel {self.id} field={self.field_id} round={self.round_id}>"


class PanelMember(Model):
    """A judge sitting on a panel."""

    __tablename__ = "judging_panel_members"
    __table_args__ = (UniqueConstraint("panel_id", "judge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("judging_panels.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    panel: Mapped[Panel] = relationship(back_populates="members")
    judge = relationship("User", foreign_keys=[judge_id])


class Conflict(Model):
    """A declared conflict of interest of a judge in an edition. Its target depends on the
    kind: a unit (``unit_id`` or a typed ``name``), an area (and every area under it), an
    entry, a person (``name``, matched against authors and mentors) or an entry the judge
    mentored (``entry_id``)."""

    __tablename__ = "judging_conflicts"
    __table_args__ = (
        CheckConstraint(_in("kind", tuple(k.value for k in ConflictKind)), name="kind_valid"),
        CheckConstraint(_in("origin", tuple(o.value for o in ConflictOrigin)), name="origin_valid"),
        CheckConstraint(
            "(kind != 'unit' OR unit_id IS NOT NULL OR name != '') AND "
            "(kind != 'area' OR area_id IS NOT NULL) AND "
            "(kind NOT IN ('entry', 'mentor') OR entry_id IS NOT NULL) AND "
            "(kind != 'person' OR name != '')",
            name="target_present",
        ),
        Index("ix_judging_conflicts_edition_judge", "edition_id", "judge_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    origin: Mapped[str] = mapped_column(String(10), default=ConflictOrigin.DECLARED.value)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # The reason a judge chose when declaring it themself (:mod:`.self_declared`), else "".
    judge_reason: Mapped[str] = mapped_column(String(20), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    judge = relationship("User", foreign_keys=[judge_id])
    unit = relationship("Unit")
    area = relationship("Area")
    entry = relationship("Entry")

    if TYPE_CHECKING:
        # What declaring it took away (set by :func:`.conflicts.declare_conflict`, not
        # stored; declared apart because the ORM maps every annotated attribute).
        dropped: DropResult


class Assignment(Model):
    """A judge is to score an entry in a round."""

    __tablename__ = "judging_assignments"
    __table_args__ = (
        UniqueConstraint("round_id", "entry_id", "judge_id"),
        Index("ix_judging_assignments_judge_round", "judge_id", "round_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry = relationship("Entry")
    judge = relationship("User", foreign_keys=[judge_id])
    round = relationship("Round")


class ScoreSheet(Model):
    """One judge's score sheet (phiếu chấm) for one entry in one round."""

    __tablename__ = "judging_score_sheets"
    __table_args__ = (
        UniqueConstraint("round_id", "entry_id", "judge_id"),
        CheckConstraint(_in("status", tuple(s.value for s in SheetStatus)), name="status_valid"),
        CheckConstraint(_in("source", tuple(s.value for s in SheetSource)), name="source_valid"),
        CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name="submitted_time"),
        CheckConstraint("version >= 1", name="version_range"),
        Index("ix_judging_score_sheets_judge_round", "judge_id", "round_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default=SheetStatus.DRAFT.value)
    source: Mapped[str] = mapped_column(String(10), default=SheetSource.WEB.value)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reopen_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    entry = relationship("Entry")
    judge = relationship("User", foreign_keys=[judge_id])
    round = relationship("Round")
    edition = relationship("Edition")
    scores: Mapped[list[Score]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", order_by="Score.id"
    )

    @property
    def sheet_status(self) -> SheetStatus:
        """The status as an enum."""
        return SheetStatus(self.status)

    @property
    def is_submitted(self) -> bool:
        """True once the judge (or an import) submitted the sheet."""
        return self.status == SheetStatus.SUBMITTED.value

    @property
    def total(self) -> Decimal:
        """The sheet total (RULES.md §5.1): its points over the criteria that count
        (``totals.sheet_total``: retired criteria left out, as everywhere)."""
        from .totals import sheet_total

        return sheet_total(self)

    def points_by_criterion(self) -> dict[int, Decimal]:
        """``{criterion id: points}``."""
        return {s.criterion_id: s.points for s in self.scores}


class Score(Model):
    """Points given for one criterion on one sheet."""

    __tablename__ = "judging_scores"
    __table_args__ = (
        UniqueConstraint("sheet_id", "criterion_id"),
        CheckConstraint("points >= 0", name="points_range"),
        CheckConstraint("points * 2 = CAST(points * 2 AS INTEGER)", name="points_half_step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("judging_score_sheets.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criteria.id", ondelete="RESTRICT"), index=True
    )
    points: Mapped[Decimal] = mapped_column(Numeric(5, 1))

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion = relationship("Criterion")


class PanelScore(Model):
    """The organizer's panel score for an entry of a round, replacing the mean of the sheets
    after review (RULES.md §5.2), with the reason."""

    __tablename__ = "judging_panel_scores"
    __table_args__ = (
        UniqueConstraint("round_id", "entry_id"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        CheckConstraint("reason != ''", name="reason_present"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry = relationship("Entry")
    by = relationship("User")


# --- Hooks into the editions and entries features ---------------------------------------------


@register_delete_guard("criteria")
def _criterion_has_scores(criterion) -> str | None:
    """Refuse to delete a criterion that scores use (retire it instead)."""
    if criterion.id is None:
        return None
    n = db.session.scalar(select(func.count(Score.id)).where(Score.criterion_id == criterion.id))
    if n:
        return str(_l("đã có %(n)d điểm chấm theo tiêu chí này (hãy ngừng dùng thay vì xoá)", n=n))
    return None


@register_delete_guard("rounds")
def _round_has_sheets(round_) -> str | None:
    """Refuse to delete a round that has score sheets."""
    if round_.id is None:
        return None
    n = db.session.scalar(select(func.count(ScoreSheet.id)).where(ScoreSheet.round_id == round_.id))
    if n:
        return str(_l("đã có %(n)d phiếu chấm", n=n))
    return None
