"""Inputs of the ranking engine: plain frozen dataclasses with exact numbers, and checks.

Numbers are ``Decimal`` (points, bands, thresholds, cutoffs, scores) or ``Fraction`` (exact
means). ``int`` and ``str`` are accepted and converted exactly; ``float`` is refused (a float
cannot hold 80.1 exactly). Invalid input raises ``ValueError`` (``TypeError`` for a wrong
type): the engine never guesses.

Three input shapes describe one entry of the round, and all become the same thing — its
numbers counted in integers (``Units``: sums and sheet totals in half points, the panel score
in hundredths) — before the ONE check of the engine's inputs (``ranking_units``):

* ``EntryInput`` — the entry with its submitted sheets (points per criterion):
  ``entry_units`` checks each sheet (every criterion once, 0 … max, steps of 0.5);
* ``EntryAggregate`` — the same reduced to what the rules need (sheet count, per-criterion
  sums, smallest and largest sheet total): ``aggregate_units`` counts its numbers;
* the compile's SQL rows, already integers (``ranking_units.check_unit_columns``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple, cast

#: Changes whenever the computation changes; part of the inputs' fingerprint.
ENGINE_VERSION = "contest-ranking/1"

#: Statuses an entry may have (RULES §3); only ``accepted`` entries are listed (RULES §5.7).
ENTRY_STATUSES = frozenset({"draft", "submitted", "received", "accepted", "rejected", "withdrawn"})
LISTED_STATUS = "accepted"

#: A ranking group: ``()`` the whole edition, ``(field,)`` or ``(field, board)``.
GroupKey = tuple[str, ...]


class Scope(StrEnum):
    """Where a prize level's quota applies: the ranking group, or the whole edition."""

    FIELD = "field"
    EDITION = "edition"


def to_decimal(value: object, what: str) -> Decimal:
    """Convert an int, str or Decimal exactly to a finite Decimal; refuse floats and bools."""
    if isinstance(value, bool | float) or not isinstance(value, int | str | Decimal):
        raise TypeError(f"{what}: expected Decimal, int or str, got {type(value).__name__}")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValueError(f"{what}: not a number: {value!r}")
    if not number.is_finite():
        raise ValueError(f"{what}: not a finite number: {value!r}")
    return abs(number) if number.is_zero() else number  # no negative zero


def optional_decimal(value: object, what: str) -> Decimal | None:
    """``to_decimal`` that lets ``None`` through."""
    return None if value is None else to_decimal(value, what)


def decimal_from_units(units: int, places: int) -> Decimal:
    """``units × 10^-places`` as a Decimal with exactly ``places`` decimals (no rounding)."""
    return Decimal(f"{units}E-{places}")


def half_points(value: Decimal, what: str) -> int:
    """``value`` counted in half points; refuses anything that is not a multiple of 0.5."""
    try:
        numerator, denominator = value.as_integer_ratio()
    except (ValueError, OverflowError):
        raise ValueError(f"{what}: not a finite number: {value}")
    if (2 * numerator) % denominator:
        raise ValueError(f"{what}: {value} is not a multiple of 0.5")
    return 2 * numerator // denominator


def _set(obj: object, name: str, value: object) -> None:
    """Assign a field of a frozen dataclass during ``__post_init__`` normalisation."""
    object.__setattr__(obj, name, value)


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Criterion:
    """A scoring criterion: code and maximum points (points go 0 … max in steps of 0.5).

    ``max_points`` is a non-negative multiple of 0.5 (a maximum that no score can reach
    would be meaningless).
    """

    code: str
    max_points: Decimal

    def __post_init__(self) -> None:
        """Normalise ``max_points`` to a non-negative Decimal multiple of 0.5."""
        _set(self, "max_points", to_decimal(self.max_points, f"criterion {self.code}"))
        if half_points(self.max_points, f"criterion {self.code} max_points") < 0:
            raise ValueError(f"criterion {self.code}: negative max_points")


@dataclass(frozen=True)
class PrizeLevel:
    """A prize level: band ``min_score`` (None = none), ``quota`` (None = no limit), scope."""

    code: str
    min_score: Decimal | None = None
    quota: int | None = None
    scope: Scope = Scope.FIELD
    automatic: bool = True

    def __post_init__(self) -> None:
        """Normalise the band and scope; a quota is a non-negative int or None."""
        _set(self, "min_score", optional_decimal(self.min_score, f"prize {self.code} min_score"))
        _set(self, "scope", Scope(self.scope))
        if self.quota is not None and (
            isinstance(self.quota, bool) or not isinstance(self.quota, int) or self.quota < 0
        ):
            raise ValueError(f"prize {self.code}: quota must be a non-negative int or None")


@dataclass(frozen=True)
class RoundSpec:
    """The round being ranked: the last round (prizes), or a preliminary one (cutoff).

    A round with ``last=False`` is preliminary: no prizes, ``ADVANCED`` when score ≥ cutoff; it
    must have a cutoff. In the last round a cutoff has nothing to pass to and is ignored.
    """

    last: bool = True
    cutoff: Decimal | None = None

    def __post_init__(self) -> None:
        """Normalise the cutoff; a preliminary round needs one."""
        _set(self, "cutoff", optional_decimal(self.cutoff, "round cutoff"))
        if not self.last and self.cutoff is None:
            raise ValueError("a preliminary round needs a cutoff")


@dataclass(frozen=True)
class RankingConfig:
    """The edition's configuration relevant to ranking (RULES §4–§5, FORMATS edition JSON).

    ``fields`` and ``boards`` are codes in edition order (they order the output); ``boards``
    empty = the edition has no boards. ``tiebreak`` None or empty = criteria order; a partial
    list is completed with the missing criteria in criteria order (RULES §5.5 breaks ties on
    "each criterion"). ``discrepancy_threshold`` None = never flag DISCREPANCY. ``prizes`` are
    highest level first.
    """

    criteria: tuple[Criterion, ...]
    fields: tuple[str, ...]
    prizes: tuple[PrizeLevel, ...] = ()
    judges_per_entry: int = 2
    discrepancy_threshold: Decimal | None = Decimal(20)
    tiebreak: tuple[str, ...] | None = None
    boards: tuple[str, ...] = ()
    round: RoundSpec = field(default_factory=RoundSpec)

    def __post_init__(self) -> None:
        """Normalise sequences to tuples and check codes are unique and known."""
        for name in ("criteria", "fields", "prizes", "boards"):
            _set(self, name, tuple(getattr(self, name)))
        if self.tiebreak is not None:
            _set(self, "tiebreak", tuple(self.tiebreak))
        _set(
            self,
            "discrepancy_threshold",
            optional_decimal(self.discrepancy_threshold, "discrepancy_threshold"),
        )
        if not self.criteria:
            raise ValueError("at least one criterion is needed")
        for label, codes in (
            ("criterion", [c.code for c in self.criteria]),
            ("field", list(self.fields)),
            ("board", list(self.boards)),
            ("prize", [p.code for p in self.prizes]),
            ("tiebreak criterion", list(self.tiebreak or ())),
        ):
            if len(set(codes)) != len(codes):
                raise ValueError(f"duplicate {label} code")
        unknown = set(self.tiebreak or ()) - set(self.criterion_codes)
        if unknown:
            raise ValueError(f"tiebreak names unknown criteria: {sorted(unknown)}")
        if isinstance(self.judges_per_entry, bool) or not isinstance(self.judges_per_entry, int):
            raise TypeError("judges_per_entry must be an int")
        if self.judges_per_entry < 1:
            raise ValueError("judges_per_entry must be at least 1")

    @cached_property
    def criterion_codes(self) -> tuple[str, ...]:
        """Criterion codes in edition order."""
        return tuple(c.code for c in self.criteria)

    @cached_property
    def tiebreak_order(self) -> tuple[str, ...]:
        """The criteria used to break score ties, in order (see the class docstring)."""
        listed = tuple(self.tiebreak or ())
        return listed + tuple(c for c in self.criterion_codes if c not in listed)

    @cached_property
    def max_half_points(self) -> dict[str, int]:
        """Each criterion's maximum, counted in half points."""
        return {c.code: half_points(c.max_points, c.code) for c in self.criteria}

    @cached_property
    def max_half_list(self) -> tuple[int, ...]:
        """Each criterion's maximum in half points, in edition order."""
        return tuple(self.max_half_points.values())

    @cached_property
    def field_set(self) -> frozenset[str]:
        """The field codes, for membership tests."""
        return frozenset(self.fields)

    @cached_property
    def board_set(self) -> frozenset[str]:
        """The board codes, for membership tests."""
        return frozenset(self.boards)

    @property
    def has_boards(self) -> bool:
        """True when the edition splits fields into boards (ranking per field × board)."""
        return bool(self.boards)

    @cached_property
    def ranks_edition_wide(self) -> bool:
        """True when every prize level's scope is the edition (one ranking group).

        With no prize level at all the groups stay per field: there is no edition-wide prize
        to justify ranking across fields.
        """
        return bool(self.prizes) and all(p.scope == Scope.EDITION for p in self.prizes)


# --------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class Sheet:
    """One submitted score sheet: points per criterion code (every criterion, once)."""

    points: Mapping[str, Decimal | int | str]
    judge: str = ""


@dataclass(frozen=True)
class EntryInput:
    """An entry of the round with its submitted sheets and optional panel score."""

    code: str
    field: str
    board: str | None = None
    status: str = LISTED_STATUS
    sheets: tuple[Sheet, ...] = ()
    panel_score: Decimal | int | str | None = None


class EntryAggregate(NamedTuple):
    """An entry reduced to what RULES §5 needs (what ``GROUP BY entry`` yields).

    ``criterion_sums`` = per criterion, the sum of its points over the submitted sheets;
    ``min_total`` / ``max_total`` = the smallest / largest sheet total (None without sheets).
    Numbers may be given as Decimal, int or str; the check (``ranking_units``) counts them
    exactly and the engine works on the aggregate it rebuilds from those integers.
    """

    code: str
    field: str
    board: str | None
    sheet_count: int
    criterion_sums: Mapping[str, Decimal | int | str]
    min_total: Decimal | int | str | None = None
    max_total: Decimal | int | str | None = None
    panel_score: Decimal | int | str | None = None


class Units(NamedTuple):
    """One entry's numbers counted in integers, as the check takes them: ``halves`` per
    criterion in edition order, ``low``/``high`` the smallest/largest sheet total (half
    points, None without sheets), ``panel`` the panel score in hundredths (or None)."""

    code: str
    field: str
    board: str | None
    sheet_count: int
    halves: tuple[int, ...]
    low: int | None
    high: int | None
    panel: int | None


def panel_cents(value: object, code: str) -> int | None:
    """A panel score in hundredths; None stays None. Refuses floats, non-finite numbers,
    negative ones and more than 2 decimals."""
    if value is None:
        return None
    where = f"entry {code}"
    score = to_decimal(value, f"{where} panel_score")  # refuses floats and non-finite ones
    numerator, denominator = (score * 100).as_integer_ratio()
    if numerator < 0 or denominator != 1:
        raise ValueError(f"{where}: a panel score is ≥ 0 with at most 2 decimals")
    return numerator


def entry_units(entry: EntryInput, config: RankingConfig) -> Units:
    """An entry's sheets counted in half points, checking every sheet.

    A sheet must give every criterion of the edition, nothing else, each 0 … max_points in
    steps of 0.5 (FORMATS scores file). Sheet total = the sum of its points (RULES §5.1).
    """
    codes = config.criterion_codes
    maxima = {c.code: c.max_points for c in config.criteria}
    sums = dict.fromkeys(codes, 0)  # in half points
    totals = []
    for sheet in entry.sheets:
        if set(sheet.points) != set(codes):
            raise ValueError(
                f"entry {entry.code}: sheet {sheet.judge!r} must score exactly {list(codes)}"
            )
        total = 0
        for code in codes:
            what = f"entry {entry.code} sheet {sheet.judge!r} {code}"
            points = to_decimal(sheet.points[code], what)
            if not 0 <= points <= maxima[code]:
                raise ValueError(f"{what}: {points} outside 0 … {maxima[code]}")
            half = half_points(points, what)
            sums[code] += half
            total += half
        totals.append(total)
    return Units(
        entry.code,
        entry.field,
        entry.board,
        len(totals),
        tuple(sums.values()),
        min(totals) if totals else None,
        max(totals) if totals else None,
        panel_cents(entry.panel_score, entry.code),
    )


def aggregate_units(agg: EntryAggregate, config: RankingConfig) -> Units:
    """An aggregate's numbers counted exactly in integers (the check follows)."""
    where = f"entry {agg.code}"
    if not isinstance(agg.criterion_sums, Mapping) or (
        agg.criterion_sums.keys() != set(config.criterion_codes)
    ):
        raise ValueError(f"{where}: sums must cover exactly {list(config.criterion_codes)}")

    def halves_of(value: object, what: str) -> int | None:
        """``value`` in half points (None stays None)."""
        if value is None:
            return None
        return half_points(to_decimal(value, f"{where} {what}"), f"{where} {what}")

    return Units(
        agg.code,
        agg.field,
        agg.board,
        agg.sheet_count,
        # a sum is a number, never None: its half points are an int
        cast(
            "tuple[int, ...]",
            tuple(halves_of(agg.criterion_sums[c], f"sum of {c}") for c in config.criterion_codes),
        ),
        halves_of(agg.min_total, "min_total"),
        halves_of(agg.max_total, "max_total"),
        panel_cents(agg.panel_score, agg.code),
    )


def aggregate(entry: EntryInput, config: RankingConfig) -> EntryAggregate:
    """Reduce an entry's sheets to an ``EntryAggregate`` (``entry_units``, as Decimals)."""
    units = entry_units(entry, config)
    return EntryAggregate(
        code=entry.code,
        field=entry.field,
        board=entry.board,
        sheet_count=units.sheet_count,
        criterion_sums={
            c: decimal_from_units(h * 5, 1)
            for c, h in zip(config.criterion_codes, units.halves, strict=True)
        },
        min_total=None if units.low is None else decimal_from_units(units.low * 5, 1),
        max_total=None if units.high is None else decimal_from_units(units.high * 5, 1),
        panel_score=None if units.panel is None else decimal_from_units(units.panel, 2),
    )


class CheckedEntry(NamedTuple):
    """A listed entry after the check, with its numbers as exact integers.

    ``agg``: the aggregate rebuilt from the integers (exact Decimals); ``halves``: per
    criterion (edition order) the sum of its points in half points; ``min_half``/``max_half``:
    smallest/largest sheet total in half points (None without sheets); ``panel_cents``: the
    panel score in hundredths, or None.
    """

    agg: EntryAggregate
    halves: tuple[int, ...]
    min_half: int | None
    max_half: int | None
    panel_cents: int | None
