"""RULES §5.6, the prize cascade, for the ranking engine (``ranking.py``).

Levels from the highest down; a non-automatic level awards nothing (it is awarded by hand).
For each level and each of its scope units (scope ``field``: the ranking group, i.e. field or
field × board; scope ``edition``: every ranked entry of the edition, ordered and tied exactly
as in a ranking group), the not-yet-awarded entries whose score ≥ min_score (None = no band)
are taken in ranking order, one whole tied block at a time, while the block fits in the quota
(None = no limit; 0 = none). A tied block that would only partly fit (it straddles the limit)
takes nothing, is flagged TIE_AT_QUOTA, and closes the level: no worse entry takes it. Entries
not taken fall through to the next level. Quotas are upper limits: a level may stay empty.

Works on the engine's per-entry working records (``ranking._Work``): it reads ``key``
(equal key = equal rank), ``cents``, ``agg.code`` and ``prize``, and writes ``prize``,
``flags`` and ``levels``.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable
from fractions import Fraction
from itertools import compress, repeat
from operator import attrgetter, is_
from typing import Any

from .flags import Flag
from .ranking_inputs import GroupKey, PrizeLevel, RankingConfig, Scope
from .ranking_outputs import LevelOutcome, Outcome


def in_ranking_order(works: Iterable[Any]) -> list[Any]:
    """Best first; equal keys by entry code (a stable, documented order, not a tie-break)."""
    return sorted(works, key=lambda w: (w.key, w.agg.code))


def award_prizes(config: RankingConfig, groups: dict[GroupKey, list[Any]]) -> None:
    """Rule 6: the prize cascade, level by level, highest first."""
    edition: dict[GroupKey, list[Any]] | None = None
    for level in config.prizes:
        units: dict[GroupKey, list[Any]]
        if level.scope == Scope.EDITION:
            if edition is None:
                edition = {(): in_ranking_order(w for ws in groups.values() for w in ws)}
            units = edition
        else:
            units = groups
        for unit_key, ordered in units.items():
            # the entries still without a prize (w.prize is None), selected in C
            waiting = list(compress(ordered, map(is_, map(_PRIZE, ordered), repeat(None))))
            if level.automatic:
                _fill_level(level, unit_key, waiting)
            else:
                _append_each(waiting, _outcome(level, unit_key, Outcome.MANUAL))


def _outcome(level: PrizeLevel, unit_key: GroupKey, outcome: Outcome, **kw: Any) -> LevelOutcome:
    """A ``LevelOutcome`` for ``level`` in scope unit ``unit_key``."""
    return LevelOutcome(
        level=level.code,
        outcome=outcome,
        band=level.min_score,
        quota=level.quota,
        scope=level.scope,
        scope_key=unit_key,
        **kw,
    )


def _fill_level(level: PrizeLevel, unit_key: GroupKey, waiting: list[Any]) -> None:
    """Rule 6 for one level and one scope unit; ``waiting`` = unawarded, in ranking order.

    Blocks of tied entries are taken whole while they fit; a block that would straddle the
    quota limit is flagged TIE_AT_QUOTA and closes the level; a block meeting a full quota
    (including quota 0) is simply not taken (QUOTA_FULL, no flag). Scores only go down the
    list, so the first block below the band ends the taking too. Band test in integers:
    cents ≥ 100 × band ⇔ cents ≥ ⌈100 × band⌉. Entries left over share one immutable
    ``LevelOutcome`` per reason (BELOW_BAND, QUOTA_FULL or CLOSED_BY_TIE).
    """
    band = None if level.min_score is None else math.ceil(Fraction(level.min_score) * 100)
    quota = level.quota
    taken = 0
    closed: Outcome | None = None  # QUOTA_FULL or CLOSED_BY_TIE once the level takes no more
    start, end = 0, len(waiting)
    while start < end:
        head = waiting[start]
        if band is not None and head.cents < band:
            break
        stop = start + 1
        while stop < end and waiting[stop].key == head.key:
            stop += 1
        block = waiting[start:stop]
        codes = [w.agg.code for w in block]
        if quota is not None and taken + len(block) > quota:
            if taken < quota:  # the tied block straddles the limit
                for work in block:
                    others = tuple(c for c in codes if c != work.agg.code)
                    outcome = _outcome(
                        level, unit_key, Outcome.TIE_AT_QUOTA, taken_before=taken, tied_with=others
                    )
                    work.levels.append(outcome)
                    work.flags.add(Flag.TIE_AT_QUOTA)
                closed, start = Outcome.CLOSED_BY_TIE, stop
            else:
                closed = Outcome.QUOTA_FULL
            break
        for work in block:
            others = tuple(c for c in codes if c != work.agg.code)
            work.levels.append(
                _outcome(
                    level,
                    unit_key,
                    Outcome.AWARDED,
                    taken_before=taken,
                    slot_first=taken + 1,
                    slot_last=taken + len(block),
                    tied_with=others,
                )
            )
            work.prize = level.code
        taken, start = taken + len(block), stop
        if quota is not None and taken == quota:
            closed = Outcome.QUOTA_FULL
            break
    if start < end:
        below = _outcome(level, unit_key, Outcome.BELOW_BAND, taken_before=taken)
        shut = None if closed is None else _outcome(level, unit_key, closed, taken_before=taken)
        # scores only go down the list: the entries below the band are its tail
        split = end if band is None else bisect_right(waiting, -band, start, end, key=_minus_cents)
        _append_each(waiting[start:split], shut)
        _append_each(waiting[split:end], below)


_LEVELS = attrgetter("levels")
_PRIZE = attrgetter("prize")


def _minus_cents(work: Any) -> int:
    """Minus the score in hundredths (ascending along the ranking order)."""
    return -work.cents


def _append_each(works: list[Any], outcome: LevelOutcome | None) -> None:
    """Append ``outcome`` to the ``levels`` of every work (a loop in C: 100,000 entries per
    level in a national run)."""
    deque(map(list.append, map(_LEVELS, works), repeat(outcome)), maxlen=0)
