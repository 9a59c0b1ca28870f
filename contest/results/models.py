"""Results runs: numbered, immutable snapshots of a round's computed ranking (issue 6).

A ``ResultsRun`` is written once, complete, in ONE transaction together with all its
``ResultRow`` rows (``compile.compile_round``), so no half-written run is ever visible; there
is no update path: the ORM refuses to UPDATE either table (see ``_refuse_update``). Runs are
numbered 1, 2, … per (edition, round); the database enforces the numbering's uniqueness, which
also stops two overlapping compiles from both writing the same number.

A row keeps everything the results file needs as it was at compile time (entry, field and
board codes, rank, score, prize, flags), so an export of an old run reproduces it exactly even
after entries were moved or renamed; ``explanation`` is the engine's explanation as small JSON.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_common import UTCDateTime
from ..timeutil import utcnow

RUN_COMPLETE = "complete"


class ResultsRun(db.Model):
    """One compile of one round: the inputs' fingerprint and, in ``rows``, every listed entry."""

    __tablename__ = "results_runs"
    __table_args__ = (
        UniqueConstraint("edition_id", "round_id", "number"),
        CheckConstraint("number >= 1", name="number_range"),
        CheckConstraint("status = 'complete'", name="status_valid"),
        CheckConstraint("entry_count >= 0", name="entry_count_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default=RUN_COMPLETE)
    fingerprint: Mapped[str] = mapped_column(String(64))
    engine_version: Mapped[str] = mapped_column(String(40))
    has_boards: Mapped[bool] = mapped_column(default=False)
    last_round: Mapped[bool] = mapped_column(default=True)
    entry_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))

    edition = relationship("Edition")
    round = relationship("Round")
    created_by = relationship("User", foreign_keys=[created_by_id])
    rows: Mapped[list[ResultRow]] = relationship(
        back_populates="run", order_by="ResultRow.position", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<ResultsRun {self.id} round={self.round_id} #{self.number}>"


class ResultRow(db.Model):
    """One listed entry in a run, at ``position`` in the results-file order (0, 1, …)."""

    __tablename__ = "results_rows"
    __table_args__ = (
        UniqueConstraint("run_id", "entry_id"),
        UniqueConstraint("run_id", "position"),
        CheckConstraint("position >= 0", name="position_range"),
        CheckConstraint("rank IS NULL OR rank >= 1", name="rank_range"),
        CheckConstraint("(rank IS NULL) = (score IS NULL)", name="ranked_scored"),
        Index("ix_results_rows_entry_id", "entry_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("results_runs.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column()
    entry_code: Mapped[str] = mapped_column(String(40))
    field_code: Mapped[str] = mapped_column(String(20))
    board_code: Mapped[str | None] = mapped_column(String(20))
    group_key: Mapped[str] = mapped_column(String(50), default="")
    rank: Mapped[int | None] = mapped_column()
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    prize_code: Mapped[str | None] = mapped_column(String(20))
    flags: Mapped[str] = mapped_column(Text, default="")
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    run: Mapped[ResultsRun] = relationship(back_populates="rows")
    entry = relationship("Entry")

    @property
    def flag_list(self) -> list[str]:
        """The flags, sorted (as stored)."""
        return self.flags.split(";") if self.flags else []


@event.listens_for(ResultsRun, "before_update")
@event.listens_for(ResultRow, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    """Runs are immutable snapshots: a correction is a new run, never an edit."""
    raise RuntimeError(f"{type(target).__name__} rows are immutable")
