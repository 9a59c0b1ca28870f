"""Organizers' manual prize decisions (RULES §5.6, §6).

A ``PrizeDecision`` is kept apart from the computed proposal (``ResultRow.prize_code``, which
is immutable): it belongs to (edition, round, entry) and stays valid across later runs of the
round; ``run_id`` records the run it was decided on. ``prize_code`` NULL means "no prize"
(a removed prize). Decisions are never edited: a new decision for the same entry supersedes
the active one (``superseded_at``/``superseded_by_id`` set), and withdrawing a decision (back
to the proposal) sets them too, with no successor. The effective prize of an entry is the
active decision's prize if there is one, else the proposal (``decisions.effective_prize``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..models_common import UTCDateTime
from ..timeutil import utcnow


class PrizeDecision(Model):
    """One decision of the organizers about one entry's prize in one round."""

    __tablename__ = "results_prize_decisions"
    __table_args__ = (Index("ix_results_prize_decisions_round_entry", "round_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("results_runs.id", ondelete="SET NULL"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    prize_code: Mapped[str | None] = mapped_column(String(20))
    proposed_code: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")

    entry = relationship("Entry")
    run = relationship("ResultsRun")
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    superseded_by = relationship("User", foreign_keys=[superseded_by_id])

    @property
    def active(self) -> bool:
        """True until superseded or withdrawn."""
        return self.superseded_at is None

    def __repr__(self) -> str:
        return f"<PrizeDecision {self.id} entry={self.entry_id} prize={self.prize_code}>"
