"""Outputs of the ranking engine: one ``EntryResult`` per listed entry, with its explanation."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

from .flags import Flag
from .ranking_inputs import GroupKey, Scope


class Outcome(StrEnum):
    """What one prize level did with one entry (the explanation's "why / why not")."""

    AWARDED = "awarded"  # took the level
    BELOW_BAND = "below_band"  # score < the level's min_score
    QUOTA_FULL = "quota_full"  # the quota was already full (quota 0 included)
    TIE_AT_QUOTA = "tie_at_quota"  # its tied block straddled the quota limit
    CLOSED_BY_TIE = "closed_by_tie"  # an earlier tied block straddled; the level closed
    MANUAL = "manual"  # the level is awarded by hand only (automatic = false)


# --------------------------------------------------------------------------- outputs


class LevelOutcome(NamedTuple):
    """What one prize level did with the entry, with the numbers to explain it.

    ``slot_first``/``slot_last``: the quota positions the entry's tied block took (awarded);
    ``taken_before``: entries of the scope already holding the level when the block came up;
    ``tied_with``: the other entries of the block (equal score and tie-break means in scope),
    given for AWARDED and TIE_AT_QUOTA. Entries the level never reached (BELOW_BAND,
    QUOTA_FULL, CLOSED_BY_TIE, MANUAL) may share one record per level and scope unit.
    """

    level: str
    outcome: Outcome
    band: Decimal | None
    quota: int | None
    scope: Scope
    scope_key: GroupKey
    taken_before: int = 0
    slot_first: int | None = None
    slot_last: int | None = None
    tied_with: tuple[str, ...] = ()


class Explanation(NamedTuple):
    """Why the entry has its score, rank, prize and flags.

    ``computed_score`` is the rounded mean of the sheets even when a panel score replaces it;
    ``panel_ignored`` is True when a panel score was given to an INCOMPLETE entry.
    ``tied_with``: other entries sharing the rank in the ranking group. ``levels``: one
    ``LevelOutcome`` per prize level considered, highest first, up to the one awarded.
    """

    sheet_count: int
    judges_required: int
    criterion_sums: Mapping[str, Decimal]
    tiebreak_order: tuple[str, ...]
    computed_score: Decimal | None
    panel_score: Decimal | None
    panel_ignored: bool
    min_total: Decimal | None
    max_total: Decimal | None
    discrepancy_threshold: Decimal | None
    tied_with: tuple[str, ...] = ()
    levels: tuple[LevelOutcome, ...] = ()
    cutoff: Decimal | None = None

    @property
    def mean(self) -> Fraction | None:
        """The exact (unrounded) mean of the sheet totals; None without sheets."""
        if not self.sheet_count:
            return None
        return sum((Fraction(v) for v in self.criterion_sums.values()), Fraction(0)) / (
            self.sheet_count
        )

    @property
    def spread(self) -> Decimal | None:
        """max − min of the sheet totals (compared with the discrepancy threshold)."""
        if self.min_total is None or self.max_total is None:
            return None
        return self.max_total - self.min_total

    @property
    def tiebreak_means(self) -> tuple[tuple[str, Fraction], ...]:
        """Exact mean points per criterion, in tie-break order (empty without sheets)."""
        if not self.sheet_count:
            return ()
        return tuple(
            (c, Fraction(self.criterion_sums[c]) / self.sheet_count) for c in self.tiebreak_order
        )


class EntryResult(NamedTuple):
    """One listed entry's result; ``flags`` is sorted; ``score`` has exactly 2 decimals."""

    entry: str
    field: str
    board: str | None
    group: GroupKey
    rank: int | None
    score: Decimal | None
    prize: str | None
    flags: tuple[Flag, ...]
    explanation: Explanation
