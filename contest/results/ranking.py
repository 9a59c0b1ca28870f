"""The ranking engine: RULES.md §5 computed exactly, with no Flask and no database.

Input: a ``RankingConfig`` (the edition's criteria, tie-break order, judges_per_entry,
discrepancy threshold, fields and boards in edition order, prize levels highest first, and the
round) and the round's entries (``EntryInput`` with sheets, or ``EntryAggregate`` from a SQL
``GROUP BY``). Output: ``rank_round()`` returns one ``EntryResult`` per listed entry, in the
results-file order; ``run_round()`` adds ``fingerprint()``, the sha256 of the canonical inputs
(``ranking_export``). Same inputs, in any order → same output and same fingerprint.

The rules, as implemented (numbers refer to RULES.md §5):

1. Sheet total = the sum of the criterion points of one submitted sheet (multiples of 0.5).
2. Entry score = the arithmetic mean of the entry's sheet totals (every submitted sheet, also
   beyond judges_per_entry), rounded HALF-UP to 2 decimals, computed in integers (never
   float): 80.5, 80, 80 → 80.1666… → 80.17; 4 sheets → 80.125 → 80.13. This rounded score
   is published, ranked and compared with bands and the cutoff. A panel score replaces it
   (flag PANEL_SCORE); tie-break means still come from the sheets.
3. Fewer submitted sheets than ``judges_per_entry`` → not ranked: no rank, no score, no prize,
   flag INCOMPLETE and no other flag. A panel score on such an entry is ignored (INCOMPLETE
   wins; the explanation says ``panel_ignored``): the panel must first get the sheets in.
4. DISCREPANCY when max − min of the sheet totals > ``discrepancy_threshold`` (strictly; equal
   is not flagged). It is a fact about the sheets, so it stays next to PANEL_SCORE.
5. Ranking group = the field (field × board when the edition has boards), or the whole
   edition when every prize level (automatic or not) has scope ``edition`` (an edition with
   no prize level at all ranks per field). Order: score descending, then the exact
   (unrounded) mean points of each criterion in tie-break order, descending. Entries still
   equal share a rank: competition ranking 1, 2, 2, 4.
6. Prizes (last round only): levels from the highest down; a non-automatic level awards
   nothing (organizers award it by hand). For each level and each scope unit (scope
   ``field`` = the ranking group; ``edition`` = all ranked entries of the edition, ordered and
   tied exactly as in rule 5), the not-yet-awarded entries with score ≥ min_score (None = no
   band) are taken in ranking order, a whole tied block at a time, while the block fits in
   the quota (None = no limit, 0 = none). A tied block that would only partly fit (it
   straddles the limit) takes nothing, is flagged TIE_AT_QUOTA, and closes the level: no
   later entry takes it. Entries not taken fall through to the next level. Quotas are upper
   limits: a level may stay empty.
7. Only listed entries are ranked: ``EntryInput`` with status ``accepted``; the caller passes
   only the entries of this round.
8. Preliminary round (``RoundSpec(last=False, cutoff=…)``): no prizes; a ranked entry whose
   score ≥ cutoff is flagged ADVANCED (INCOMPLETE entries never advance). A cutoff given for
   the last round has no next round to pass to: it is ignored there.

Exactness: every comparison is done in integers (half points, hundredths) or Fractions, never
floats; bands, cutoffs and thresholds may have any number of decimals.

Inputs: every entry, whatever its shape, is counted in integers and passes ONE check
(``ranking_units.check_unit_columns``, the compile's own path) before rules 1–8 run.
Flags are the ``flags.Flag`` enum, output sorted: ADVANCED, DISCREPANCY, INCOMPLETE,
PANEL_SCORE, TIE_AT_QUOTA.
Output order (FORMATS.md): ranking groups in edition field order (then board order), inside a
group by rank then entry code, the unranked last by entry code.
"""

from __future__ import annotations

import gc
import math
import operator
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import cast

from .flags import Flag
from .ranking_export import fingerprint_checked
from .ranking_inputs import (
    ENGINE_VERSION,
    CheckedEntry,
    Criterion,
    EntryAggregate,
    EntryInput,
    GroupKey,
    PrizeLevel,
    RankingConfig,
    RoundSpec,
    Scope,
    Sheet,
    aggregate,
    decimal_from_units,
)
from .ranking_outputs import EntryResult, Explanation, LevelOutcome, Outcome
from .ranking_prizes import award_prizes
from .ranking_units import (
    HalfPointDecimals,
    check_aggregate,
    check_unit_columns,
    check_units,
    listed_entries,
)

__all__ = [  # the engine's public API, importable from this one module
    "ENGINE_VERSION",
    "CheckedEntry",
    "Criterion",
    "EntryAggregate",
    "EntryInput",
    "EntryResult",
    "Explanation",
    "Flag",
    "GroupKey",
    "HalfPointDecimals",
    "LevelOutcome",
    "Outcome",
    "PrizeLevel",
    "RankingConfig",
    "RankingRun",
    "RoundSpec",
    "Scope",
    "Sheet",
    "aggregate",
    "check_aggregate",
    "check_unit_columns",
    "check_units",
    "collector_paused",
    "fingerprint",
    "fingerprint_checked",
    "listed_entries",
    "rank_part",
    "rank_round",
    "ranking_parts",
    "run_round",
]


class _Work:
    """The engine's mutable working record for one listed entry (a plain slotted class:
    100,000 of these are made per national-scale run)."""

    __slots__ = (
        "agg",
        "group",
        "complete",
        "computed_cents",
        "cents",
        "key",
        "flags",
        "rank",
        "prize",
        "tied_with",
        "levels",
    )

    def __init__(self, agg: EntryAggregate, group: GroupKey, complete: bool) -> None:
        """Start with no score, rank, prize, flag or level outcome."""
        self.agg = agg
        self.group = group
        self.complete = complete
        self.computed_cents: int | None = None
        self.cents: int | None = None  # the score in hundredths (panel score when given)
        self.key: tuple[int, ...] = ()  # ascending sort = best first; equal key = equal rank
        self.flags: set[Flag] = set()
        self.rank: int | None = None
        self.prize: str | None = None
        self.tied_with: tuple[str, ...] = ()
        self.levels: list[LevelOutcome] = []


@dataclass(frozen=True)
class RankingRun:
    """A computed ranking: the inputs' fingerprint and the results in file order."""

    fingerprint: str
    results: tuple[EntryResult, ...]


def run_round(
    config: RankingConfig, entries: Iterable[EntryInput | EntryAggregate | CheckedEntry]
) -> RankingRun:
    """Check and aggregate the entries once, fingerprint them, and rank them."""
    with collector_paused():
        listed = listed_entries(config, entries)
        return RankingRun(fingerprint_checked(config, listed), _rank_checked(config, listed))


def rank_round(
    config: RankingConfig, entries: Iterable[EntryInput | EntryAggregate]
) -> tuple[EntryResult, ...]:
    """Apply RULES §5 to the round's entries; one result per listed entry, in file order."""
    with collector_paused():
        return _rank_checked(config, listed_entries(config, entries))


def fingerprint(
    config: RankingConfig, entries: Iterable[EntryInput | EntryAggregate | CheckedEntry]
) -> str:
    """sha256 of the canonical inputs (see ``ranking_export.canonical_inputs``)."""
    with collector_paused():
        return fingerprint_checked(config, listed_entries(config, entries))


def ranking_parts(config: RankingConfig, listed: list[CheckedEntry]) -> list[list[CheckedEntry]]:
    """The checked listed entries (``listed_entries``: code order) split into parts that rank
    independently, in results-file order: one part per ranking group — unless the prize
    cascade links the groups (the last round with a level of scope ``edition``) or the
    whole edition is one group; then a single part.

    ``rank_part`` of each part, concatenated, equals ``rank_round`` of them all: a group's
    ranks, ties, flags and prizes of scope ``field`` depend on its own entries only (the
    integer scale of the tie-break key differs per part, but keys are compared only within a
    group), and the file lists groups in edition order. The compile ranks part k + 1 while
    the database stores part k.
    """
    if not listed:
        return []
    linked = config.round.last and any(p.scope == Scope.EDITION for p in config.prizes)
    if linked or config.ranks_edition_wide:
        return [listed]
    parts: dict[GroupKey, list[CheckedEntry]] = {}
    for checked in listed:
        parts.setdefault(group_key(config, checked.agg), []).append(checked)
    order = _group_order(config, parts)
    return [parts[key] for key in sorted(parts, key=order.__getitem__)]


def rank_part(config: RankingConfig, part: list[CheckedEntry]) -> tuple[EntryResult, ...]:
    """Rules 1–8 on one part of ``ranking_parts`` (its entries checked, in code order)."""
    with collector_paused():
        return _rank_checked(config, part)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a run allocates its many small objects.

    The engine creates no reference cycles, so nothing is lost; at 100,000 entries the
    collector's repeated passes over the growing heap cost a quarter to a third of the run
    (measured again when the engine was simplified: checking, fingerprinting and ranking
    100,000 entries took 4.5–5.7 s with the collector on, 2.3–4.2 s paused, on a busy
    machine), so the pause stays. The previous state is restored, even on error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _rank_checked(config: RankingConfig, listed: list[CheckedEntry]) -> tuple[EntryResult, ...]:
    """Rules 1–8 on the checked listed entries."""
    works = _score_entries(config, listed)
    groups = _rank_groups(works)
    if config.round.last:
        award_prizes(config, groups)
    else:
        _mark_advanced(config, works)
    return _results(config, works, groups)


def group_key(config: RankingConfig, agg: EntryAggregate) -> GroupKey:
    """Rule 5: ``()`` for the whole edition, else ``(field,)`` or ``(field, board)``."""
    if config.ranks_edition_wide:
        return ()
    if config.has_boards:
        return (agg.field, agg.board or "")
    return (agg.field,)


def _score_entries(config: RankingConfig, listed: list[CheckedEntry]) -> list[_Work]:
    """Rules 1–4: score, INCOMPLETE, PANEL_SCORE, DISCREPANCY and the exact ranking key.

    Score (rule 2) in hundredths, half-up, in integers: with ``h`` the sum of the sheet totals
    counted in half points and ``n`` sheets, mean × 100 = 50h/n, so the rounded score is
    ⌊50h/n + ½⌋ = (100h + n) // 2n. The tie-break means (rule 5) are compared exactly: with
    ``L`` the lcm of all sheet counts, mean_c = sum_c / n compares like sum_c × (L / n), an
    integer. The key is negated so that an ascending sort puts the best first. DISCREPANCY:
    the spread in half points ``s`` is an integer, so s / 2 > t ⇔ s > ⌊2t⌋.
    """
    required = config.judges_per_entry
    complete_counts = {c.agg.sheet_count for c in listed if c.agg.sheet_count >= required}
    scale = math.lcm(*complete_counts) if complete_counts else 1
    position = {code: i for i, code in enumerate(config.criterion_codes)}
    order = [position[code] for code in config.tiebreak_order]
    pick = operator.itemgetter(*order) if len(order) > 1 else lambda h: (h[order[0]],)
    threshold = config.discrepancy_threshold
    spread_limit = None if threshold is None else math.floor(Fraction(threshold) * 2)
    edition_wide, boards = config.ranks_edition_wide, config.has_boards
    incomplete, panel, discrepancy = Flag.INCOMPLETE, Flag.PANEL_SCORE, Flag.DISCREPANCY
    works = []
    for agg, halves, min_half, max_half, panel_cents in listed:
        n = agg.sheet_count
        if edition_wide:  # group_key, inlined: 100,000 calls per national run
            group: GroupKey = ()
        else:
            group = (agg.field, agg.board or "") if boards else (agg.field,)
        work = _Work(agg, group, n >= required)
        works.append(work)
        if n < required:
            work.flags.add(incomplete)  # rule 3: and no other flag
            continue
        cents = work.computed_cents = (100 * sum(halves) + n) // (2 * n)
        if panel_cents is not None:
            cents = panel_cents
            work.flags.add(panel)
        work.cents = cents
        # n ≥ required ≥ 1 sheets: the smallest and largest totals are there
        if (
            spread_limit is not None
            and max_half is not None
            and min_half is not None
            and max_half - min_half > spread_limit
        ):
            work.flags.add(discrepancy)
        factor = scale // n
        if factor == 1:
            work.key = (-cents, *map(operator.neg, pick(halves)))
        else:
            work.key = (-cents, *[-h * factor for h in pick(halves)])
    return works


_KEY = operator.attrgetter("key")


def _rank_groups(works: list[_Work]) -> dict[GroupKey, list[_Work]]:
    """Rule 5: rank the complete entries of each group (competition ranking 1, 2, 2, 4)."""
    members: dict[GroupKey, list[_Work]] = {}
    for work in works:
        if work.complete:
            members.setdefault(work.group, []).append(work)
    # ``works`` follow ``listed``, sorted by code, so a stable sort on the key alone gives
    # ``in_ranking_order`` (key, then code) with cheaper comparisons.
    groups = {key: sorted(ws, key=_KEY) for key, ws in sorted(members.items())}
    for ordered in groups.values():
        tied: list[tuple[int, int]] = []  # (start, stop) of each block of equal keys
        start, previous = 0, None
        for i, work in enumerate(ordered):
            if work.key != previous:
                if i - start > 1:
                    tied.append((start, i))
                start, previous = i, work.key
            work.rank = start + 1
        if len(ordered) - start > 1:
            tied.append((start, len(ordered)))
        for start, stop in tied:  # untied entries (the usual case) keep tied_with = ()
            block = ordered[start:stop]
            codes = [w.agg.code for w in block]
            for work in block:
                work.tied_with = tuple(c for c in codes if c != work.agg.code)
    return groups


def _mark_advanced(config: RankingConfig, works: list[_Work]) -> None:
    """Rule 8: in a preliminary round, ranked entries with score ≥ cutoff are ADVANCED."""
    assert config.round.cutoff is not None  # a preliminary round has its cutoff
    cutoff = math.ceil(Fraction(config.round.cutoff) * 100)  # cents ≥ 100c ⇔ cents ≥ ⌈100c⌉
    for work in works:
        if work.complete and work.cents is not None and work.cents >= cutoff:
            work.flags.add(Flag.ADVANCED)


def _group_order(config: RankingConfig, keys: Iterable[GroupKey]) -> dict[GroupKey, int]:
    """Position of each ranking group in edition order (fields, then boards)."""
    field_at = {code: i for i, code in enumerate(config.fields)}
    board_at = {code: i for i, code in enumerate(config.boards)}
    place = {
        k: tuple([field_at[k[0]]] if k else []) + tuple(board_at[b] for b in k[1:]) for k in keys
    }
    return {k: i for i, k in enumerate(sorted(place, key=place.__getitem__))}


class _Scores(dict):
    """Hundredths → the Decimal with exactly 2 decimals, one per distinct score (None stays
    None)."""

    def __init__(self) -> None:
        """Start with None only."""
        super().__init__({None: None})

    def __missing__(self, cents: int) -> Decimal:
        """Make, keep and return the Decimal of ``cents``."""
        value = self[cents] = decimal_from_units(cents, 2)
        return value


def _results(
    config: RankingConfig, works: list[_Work], groups: dict[GroupKey, list[_Work]]
) -> tuple[EntryResult, ...]:
    """Build the ``EntryResult`` rows in FORMATS.md order: groups in edition order; in each,
    the ranked entries by (rank, code) — ``groups`` already holds them so (equal keys share
    a rank and keep code order) — then the unranked by code (``works`` are in code order)."""
    unranked: dict[GroupKey, list[_Work]] = {}
    for work in works:
        if work.rank is None:
            unranked.setdefault(work.group, []).append(work)
    group_at = _group_order(config, groups.keys() | unranked.keys())
    ordered: list[_Work] = []
    for key in sorted(group_at, key=group_at.__getitem__):
        ordered += groups.get(key, ())
        ordered += unranked.get(key, ())
    required, tiebreak = config.judges_per_entry, config.tiebreak_order
    threshold = config.discrepancy_threshold
    preliminary_cutoff = None if config.round.last else config.round.cutoff
    scores = _Scores()
    results = []
    for work in ordered:
        agg = work.agg  # checked: its numbers are the Decimals rebuilt from integers
        explanation = Explanation(
            agg.sheet_count,
            required,
            cast("Mapping[str, Decimal]", agg.criterion_sums),
            tiebreak,
            scores[work.computed_cents],
            cast("Decimal | None", agg.panel_score),
            agg.panel_score is not None and not work.complete,  # panel_ignored
            cast("Decimal | None", agg.min_total),
            cast("Decimal | None", agg.max_total),
            threshold,
            work.tied_with,
            tuple(work.levels),
            preliminary_cutoff,
        )
        results.append(
            EntryResult(
                agg.code,
                agg.field,
                agg.board,
                work.group,
                work.rank,
                scores[work.cents],
                work.prize,
                tuple(sorted(work.flags)) if work.flags else (),
                explanation,
            )
        )
    return tuple(results)
