"""The ONE check of the ranking engine's inputs, on their numbers counted in integers.

Every entry reaches the engine as integers — from the compile's SQL ``GROUP BY`` directly, or
from an ``EntryInput`` / ``EntryAggregate`` through ``ranking_inputs.entry_units`` /
``aggregate_units`` — and :func:`check_unit_columns` checks them, a batch at a time, column
by column (mostly in C: 100,000 entries per national compile), refusing what no set of valid
sheets could give:

* the field is one of the edition's; the board too when the edition has boards, else none;
* the sheet count is an int ≥ 0, and each criterion's sum an int in 0 … count × its maximum;
* without sheets no smallest/largest total; with sheets both, with
  smallest ≤ largest and smallest × count ≤ the sum of the sums ≤ largest × count (one sheet:
  smallest = largest = that sum);
* a panel score is an int number of hundredths ≥ 0.

When a batch fails, :func:`_refuse` finds the first bad entry and says why (a ``ValueError``
naming the entry). The checked entries are ``CheckedEntry`` tuples with the aggregate rebuilt
from the integers (one shared ``Decimal`` per count of half points: ``HalfPointDecimals``).
:func:`listed_entries` is the engine's entrance for every input shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from operator import is_, le, mul
from typing import cast

from .ranking_inputs import (
    ENTRY_STATUSES,
    LISTED_STATUS,
    CheckedEntry,
    EntryAggregate,
    EntryInput,
    RankingConfig,
    Units,
    aggregate_units,
    decimal_from_units,
    entry_units,
)


class HalfPointDecimals(dict):
    """Half points (an int) → the exact Decimal with one decimal (``161`` → ``80.5``), each
    made once and shared (Decimals are immutable)."""

    def __missing__(self, half: int) -> Decimal:
        """Make, keep and return the Decimal of ``half`` half points."""
        value = self[half] = decimal_from_units(half * 5, 1)
        return value


def check_unit_columns(
    config: RankingConfig,
    codes: Sequence[str],
    fields: Sequence[str],
    boards: Sequence[str | None],
    sheet_counts: Sequence[int],
    sums: Sequence[Sequence[int]],
    min_halves: Sequence[int | None],
    max_halves: Sequence[int | None],
    panel_cents: Sequence[int | None],
    decimal_of_halves: Mapping[int, Decimal],
) -> list[CheckedEntry]:
    """Check many entries given column by column (``sums``: one column of half points per
    criterion, in edition order; the other columns one value per entry; module docstring)
    and return their ``CheckedEntry`` in the same order; ``decimal_of_halves`` maps a count of
    half points to its exact Decimal (e.g. a shared ``HalfPointDecimals``)."""
    halves = list(zip(*sums, strict=True)) if sums else [()] * len(codes)
    totals = list(map(sum, halves))
    maxima = config.max_half_list
    ok = (
        config.field_set.issuperset(fields)
        and (
            config.board_set.issuperset(boards)
            if config.boards
            else all(map(is_, boards, repeat(None)))
        )
        and all(map(is_, map(type, sheet_counts), repeat(int)))
        and min(sheet_counts, default=0) >= 0
        and len(sums) == len(maxima)
        and all(
            all(map(is_, map(type, column), repeat(int)))
            and min(column, default=0) >= 0
            and all(map(le, column, map(mul, sheet_counts, repeat(maximum))))
            for column, maximum in zip(sums, maxima, strict=True)
        )
        and all(map(_totals_fit, sheet_counts, min_halves, max_halves, totals))
        and all(p is None or (type(p) is int and p >= 0) for p in panel_cents)
    )
    rows = zip(
        codes,
        fields,
        boards,
        sheet_counts,
        halves,
        min_halves,
        max_halves,
        panel_cents,
        strict=True,
    )
    if not ok:
        for row in rows:
            _refuse(config, *row)
        raise ValueError("inconsistent inputs")  # not reached: _refuse raised for a row
    criteria = config.criterion_codes
    get = decimal_of_halves.__getitem__
    new = tuple.__new__  # the named tuples without their Python-level __new__
    checked = []
    for code, field, board, n, entry_halves, low, high, panel in rows:
        agg = new(
            EntryAggregate,
            (
                code,
                field,
                board,
                n,
                dict(zip(criteria, map(get, entry_halves), strict=True)),
                None if low is None else get(low),
                None if high is None else get(high),
                None if panel is None else decimal_from_units(panel, 2),
            ),
        )
        checked.append(new(CheckedEntry, (agg, entry_halves, low, high, panel)))
    return checked


def check_units(
    config: RankingConfig,
    code: str,
    field: str,
    board: str | None,
    sheet_count: int,
    halves: tuple[int, ...],
    min_half: int | None,
    max_half: int | None,
    panel_cents: int | None,
    decimal_of_halves: Mapping[int, Decimal],
) -> CheckedEntry:
    """:func:`check_unit_columns` for one entry."""
    if len(halves) != len(config.criteria):
        _refuse(config, code, field, board, sheet_count, halves, min_half, max_half, panel_cents)
    [checked] = check_unit_columns(
        config,
        [code],
        [field],
        [board],
        [sheet_count],
        [[h] for h in halves],
        [min_half],
        [max_half],
        [panel_cents],
        decimal_of_halves,
    )
    return checked


def _totals_fit(n: int, low: int | None, high: int | None, total: int) -> bool:
    """The smallest and largest sheet totals against the count and the sums."""
    if n == 0:
        return low is None and high is None
    return (
        type(low) is int
        and type(high) is int
        and low <= high
        and low * n <= total <= high * n
        and (n > 1 or low == high == total)
    )


def _refuse(
    config: RankingConfig,
    code: str,
    field: str,
    board: str | None,
    n: int,
    halves: tuple[int, ...],
    min_half: int | None,
    max_half: int | None,
    panel_cents: int | None,
) -> None:
    """Raise the ``ValueError`` saying why this entry fails the check; return if it passes."""
    where = f"entry {code}"
    if field not in config.fields:
        raise ValueError(f"{where}: unknown field {field!r}")
    if config.has_boards and board not in config.boards:
        raise ValueError(f"{where}: unknown or missing board {board!r}")
    if not config.has_boards and board is not None:
        raise ValueError(f"{where}: the edition has no boards")
    if type(n) is not int or n < 0:
        raise ValueError(f"{where}: sheet_count must be a non-negative int")
    maxima = config.max_half_points
    if len(halves) != len(maxima):
        raise ValueError(f"{where}: sums must cover exactly {list(config.criterion_codes)}")
    for half, (c, maximum) in zip(halves, maxima.items(), strict=True):
        if type(half) is not int or not 0 <= half <= maximum * n:
            raise ValueError(f"{where}: sum of {c} outside 0 … {n} × max")
    if n == 0:
        if min_half is not None or max_half is not None:
            raise ValueError(f"{where}: no sheets, so no min/max total")
    else:
        if type(min_half) is not int or type(max_half) is not int:
            raise ValueError(f"{where}: min_total and max_total are required with sheets")
        total = sum(halves)
        if not (min_half <= max_half and min_half * n <= total <= max_half * n):
            raise ValueError(f"{where}: min/max totals inconsistent with the sums")
        if n == 1 and not min_half == max_half == total:
            raise ValueError(f"{where}: one sheet, so min = max = total")
    if panel_cents is not None and (type(panel_cents) is not int or panel_cents < 0):
        raise ValueError(f"{where}: a panel score is ≥ 0 with at most 2 decimals")


def check_aggregate(agg: EntryAggregate, config: RankingConfig) -> CheckedEntry:
    """One aggregate through the check (``aggregate_units``, then :func:`check_units`)."""
    return check_units(config, *aggregate_units(agg, config), HalfPointDecimals())


def listed_entries(
    config: RankingConfig, entries: Iterable[EntryInput | EntryAggregate | CheckedEntry]
) -> list[CheckedEntry]:
    """The checked listed entries (RULES §5.7: accepted only), sorted by code.

    ``EntryInput`` rows with another status are dropped; ``EntryAggregate`` rows are taken as
    listed (the caller selects accepted entries); ``CheckedEntry`` rows (an earlier check)
    are taken as they are. Every other row is counted in integers and goes through
    :func:`check_unit_columns` — the compile's own path. Entry codes must be unique.
    """
    seen: set[str] = set()
    checked: list[CheckedEntry] = []
    units: list[Units] = []
    for entry in entries:
        if type(entry) is CheckedEntry:
            code = entry.agg.code
        elif isinstance(entry, EntryInput | EntryAggregate):
            code = entry.code
        else:
            raise TypeError(f"not an entry: {type(entry).__name__}")
        if code in seen:
            raise ValueError(f"duplicate entry code {code!r}")
        seen.add(code)
        if type(entry) is CheckedEntry:
            checked.append(entry)
        elif isinstance(entry, EntryInput):
            if entry.status not in ENTRY_STATUSES:
                raise ValueError(f"entry {entry.code}: unknown status {entry.status!r}")
            if entry.status == LISTED_STATUS:
                units.append(entry_units(entry, config))
        else:  # the one kind left (``type() is`` leaves subclasses to a checker)
            units.append(aggregate_units(cast(EntryAggregate, entry), config))
    if units:
        codes, fields, boards, counts, halves, lows, highs, panels = zip(*units, strict=True)
        sums = list(zip(*halves, strict=True)) if config.criteria else []
        checked += check_unit_columns(
            config, codes, fields, boards, counts, sums, lows, highs, panels, HalfPointDecimals()
        )
    checked.sort(key=lambda c: c.agg.code)
    return checked
