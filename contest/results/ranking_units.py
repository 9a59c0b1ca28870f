"""Engine inputs counted in integers, as a SQL ``GROUP BY`` yields them (the compile job):
``check_units`` applies ``check_aggregate``'s checks to the integers themselves and builds the
same ``CheckedEntry``, without turning the numbers into Decimals and parsing them back;
``check_unit_columns`` does the same for many entries given column by column (a batch of SQL
rows); ``HalfPointDecimals`` shares one Decimal per count of half points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from operator import is_, le, mul

from .ranking_inputs import (
    CheckedEntry,
    EntryAggregate,
    RankingConfig,
    build_aggregate,
    decimal_from_units,
)


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
    """``check_aggregate`` for numbers already counted in integers (a SQL ``GROUP BY``):
    the same checks, done on the integers, without parsing any Decimal back.

    ``halves`` per criterion in edition order (half points), ``min_half``/``max_half`` in
    half points, ``panel_cents`` in hundredths; ``decimal_of_halves`` maps a count of half
    points to its exact Decimal (one decimal; a shared cache, e.g. ``HalfPointDecimals``), so
    the aggregate equals the one built from the same numbers as Decimals.
    """
    n = sheet_count
    maxima = config.max_half_list
    ok = (
        field in config.field_set
        and (board in config.board_set if config.boards else board is None)
        and type(n) is int
        and n >= 0
        and len(halves) == len(maxima)
        # every sum an int (not a bool) in 0 … n × max, checked in C: 100,000 rows per run
        and all(map(is_, map(type, halves), repeat(int)))
        and min(halves) >= 0
        and all(map(le, halves, map(mul, maxima, repeat(n))))
        and (
            (min_half is None and max_half is None)
            if n == 0
            else (
                type(min_half) is int
                and type(max_half) is int
                and min_half <= max_half
                and min_half * n <= sum(halves) <= max_half * n
                and (n > 1 or min_half == max_half == sum(halves))
            )
        )
        and (panel_cents is None or (type(panel_cents) is int and panel_cents >= 0))
    )
    if not ok:  # say why, with the same messages as check_aggregate
        _refuse_units(config, code, field, board, n, halves, min_half, max_half, panel_cents)
    sums = dict(
        zip(config.criterion_codes, map(decimal_of_halves.__getitem__, halves), strict=True)
    )
    agg = EntryAggregate.from_exact(
        code,
        field,
        board,
        n,
        sums,
        None if min_half is None else decimal_of_halves[min_half],
        None if max_half is None else decimal_of_halves[max_half],
        None if panel_cents is None else decimal_from_units(panel_cents, 2),
    )
    return CheckedEntry(agg, tuple(halves), min_half, max_half, panel_cents)


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
    """``check_units`` for many entries given column by column (``sums``: one column of half
    points per criterion, in edition order; the other columns one value per entry): their
    ``CheckedEntry`` in the same order, equal to ``check_units``'s.

    The checks are ``check_units``'s, run over whole columns (mostly in C: 100,000 entries per
    national compile) before any object is built; if a column fails, the entries are checked
    one by one with ``check_units``, which raises its own error for the first bad entry.
    """
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
    if not ok:  # check_units says which entry is wrong, and why
        return [check_units(config, *row, decimal_of_halves) for row in rows]
    criteria = config.criterion_codes
    get = decimal_of_halves.__getitem__
    new = tuple.__new__  # CheckedEntry(...) without its Python-level __new__
    checked = []
    for code, field, board, n, entry_halves, low, high, panel in rows:
        agg = build_aggregate(
            code,
            field,
            board,
            n,
            dict(zip(criteria, map(get, entry_halves), strict=True)),
            None if low is None else get(low),
            None if high is None else get(high),
            None if panel is None else decimal_from_units(panel, 2),
        )
        checked.append(new(CheckedEntry, (agg, entry_halves, low, high, panel)))
    return checked


def _totals_fit(n: int, low: int | None, high: int | None, total: int) -> bool:
    """``check_units``'s test of the smallest and largest sheet totals against the sums."""
    if n == 0:
        return low is None and high is None
    return (
        type(low) is int
        and type(high) is int
        and low <= high
        and low * n <= total <= high * n
        and (n > 1 or low == high == total)
    )


def _refuse_units(
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
    """Raise the ``ValueError`` saying why ``check_units`` refuses these numbers."""
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
    raise ValueError(f"{where}: a panel score is ≥ 0 with at most 2 decimals")


class HalfPointDecimals(dict):
    """Half points (an int) → the exact Decimal with one decimal (``161`` → ``80.5``), each
    made once and shared (Decimals are immutable)."""

    def __missing__(self, half: int) -> Decimal:
        """Make, keep and return the Decimal of ``half`` half points."""
        value = self[half] = decimal_from_units(half * 5, 1)
        return value
