"""Results runs: numbered, immutable snapshots of a round's computed ranking.

A ``ResultsRun`` is written once, complete, in ONE transaction together with all its
``ResultRow`` rows (``compile.compile_round``), so no half-written run is ever visible; there
is no update path: the ORM refuses to UPDATE either table (see ``_refuse_update``). Runs are
numbered 1, 2, … per (edition, round); the database enforces the numbering's uniqueness, which
also stops two overlapping compiles from both writing the same number.

A row keeps everything the results file needs as it was at compile time (entry, field and
board codes, rank, score, prize, flags), so an export of an old run reproduces it exactly even
after entries were moved or renamed. The engine's explanation is stored compactly (a
national compile writes 100,000 rows): the row keeps its own part as TEXT (no JSON for
the server to parse), the run once what all its rows share (``explanation_context``), and
``ResultRow.explanation`` gives readers the whole dict back (``run_text``).

Integrity without per-row foreign-key checks on ``entry_id`` (migration 0010): an entry that
appears in a run cannot be deleted — a ``BEFORE DELETE`` trigger on ``entries`` refuses it
(on PostgreSQL after waiting for any compile holding a lock on one of the edition's rounds),
as the ``RESTRICT`` key did; the compile writes only ids of entries it has just read, and the
application deletes only drafts that never had a code, which no run lists.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..entries.models import Entry
from ..extensions import Model
from ..models_common import UTCDateTime
from ..timeutil import utcnow
from .flags import Flag, decode
from .run_text import decode_explanation

RUN_COMPLETE = "complete"


class ResultsRun(Model):
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
    #: What every row's explanation shares (``run_text.explanation_context``); None for runs
    #: stored before the compact form, whose rows hold their whole explanation.
    explanation_context: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    edition = relationship("Edition")
    round = relationship("Round")
    created_by = relationship("User", foreign_keys=[created_by_id])
    rows: Mapped[list[ResultRow]] = relationship(
        back_populates="run", order_by="ResultRow.position", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<ResultsRun {self.id} round={self.round_id} #{self.number}>"


class ResultRow(Model):
    """One listed entry in a run, at ``position`` in the results-file order (0, 1, …)."""

    __tablename__ = "results_rows"
    __table_args__ = (
        UniqueConstraint("entry_id", "run_id"),  # also the index of lookups by entry
        UniqueConstraint("run_id", "position"),
        CheckConstraint("position >= 0", name="position_range"),
        CheckConstraint("rank IS NULL OR rank >= 1", name="rank_range"),
        CheckConstraint("(rank IS NULL) = (score IS NULL)", name="ranked_scored"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("results_runs.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column()  # entries.id, guarded by a trigger (docstring)
    position: Mapped[int] = mapped_column()
    entry_code: Mapped[str] = mapped_column(String(40))
    field_code: Mapped[str] = mapped_column(String(20))
    board_code: Mapped[str | None] = mapped_column(String(20))
    group_key: Mapped[str] = mapped_column(String(50), default="")
    rank: Mapped[int | None] = mapped_column()
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    prize_code: Mapped[str | None] = mapped_column(String(20))
    flags: Mapped[str] = mapped_column(Text, default="")
    #: The explanation in its compact stored form (``run_text``); read ``explanation``.
    explanation_text: Mapped[str] = mapped_column("explanation", Text, default="")

    run: Mapped[ResultsRun] = relationship(back_populates="rows")
    entry = relationship(
        "Entry", primaryjoin="foreign(ResultRow.entry_id) == Entry.id", viewonly=True
    )

    @property
    def flag_list(self) -> list[Flag]:
        """The flags, sorted (as stored)."""
        return decode(self.flags)

    @property
    def explanation(self) -> dict[str, Any]:
        """The engine's explanation as a dict (numbers as exact texts, empty parts left out),
        decoded once per loaded row (rows are immutable); do not modify it."""
        cached = self.__dict__.get("_explanation")
        if cached is None:
            text = self.explanation_text
            context = None if text.startswith("{") else self.run.explanation_context
            cached = self.__dict__["_explanation"] = decode_explanation(text, context)
        return cached


# No foreign key, but rows still depend on entries: create after, empty before them
# (``metadata.sorted_tables``).
ResultRow.__table__.add_is_dependent_on(Entry.__table__)


@event.listens_for(ResultsRun, "before_update")
@event.listens_for(ResultRow, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    """Runs are immutable snapshots: a correction is a new run, never an edit."""
    raise RuntimeError(f"{type(target).__name__} rows are immutable")
