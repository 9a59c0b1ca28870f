"""Terse builders for ranking-engine test inputs (criteria ``x``, ``y``, ``z`` by position)."""

from __future__ import annotations

from contest.results.ranking import (
    Criterion,
    EntryInput,
    PrizeLevel,
    RankingConfig,
    RoundSpec,
    Sheet,
)

CODES = ("x", "y", "z")


def config(
    criteria=(50, 50),
    fields=("F",),
    prizes=(),
    judges=2,
    threshold=20,
    tiebreak=None,
    boards=(),
    last=True,
    cutoff=None,
) -> RankingConfig:
    """A ``RankingConfig``; ``criteria`` are max points, named x, y, z in order."""
    return RankingConfig(
        criteria=tuple(Criterion(CODES[i], m) for i, m in enumerate(criteria)),
        fields=fields,
        prizes=prizes,
        judges_per_entry=judges,
        discrepancy_threshold=threshold,
        tiebreak=tiebreak,
        boards=boards,
        round=RoundSpec(last=last, cutoff=cutoff),
    )


def level(code, band=None, quota=None, scope="field", automatic=True) -> PrizeLevel:
    """A prize level (band = min_score)."""
    return PrizeLevel(code=code, min_score=band, quota=quota, scope=scope, automatic=automatic)


def sheet(*points, judge="") -> Sheet:
    """A sheet from points given in criteria order (strings or ints, never floats)."""
    return Sheet({CODES[i]: str(p) for i, p in enumerate(points)}, judge=judge)


def entry(code, *sheets, field="F", board=None, status="accepted", panel=None) -> EntryInput:
    """An entry; ``sheets`` are tuples of points in criteria order."""
    return EntryInput(
        code=code,
        field=field,
        board=board,
        status=status,
        sheets=tuple(sheet(*s) for s in sheets),
        panel_score=panel,
    )
