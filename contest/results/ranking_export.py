"""Serialised forms of a ranking: the inputs' fingerprint and the results-file rows.

* ``fingerprint_checked`` — sha256 of a canonical JSON form of everything the engine reads
  (engine version, configuration, listed entries as aggregates). Entry order, sheet order,
  ``Decimal('80')`` vs ``Decimal('80.0')`` and entries that are not listed do not change it;
  any change that could change a result does.
* ``results_header`` / ``results_rows`` — the FORMATS.md "Results file": ``entry, field,
  [board,] rank, score, prize, flags``; score with exactly 2 decimals and ``.`` as mark, empty
  when not ranked; flags ``;``-joined, sorted. Rows keep the engine's order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

from .ranking_inputs import ENGINE_VERSION, CheckedEntry, RankingConfig


def _exact(value: Decimal | None) -> str | None:
    """A canonical exact text for a number: the reduced fraction (``80.50`` → ``161/2``)."""
    if value is None:
        return None
    numerator, denominator = value.as_integer_ratio()
    return f"{numerator}/{denominator}"


def canonical_inputs(config: RankingConfig, listed: Iterable[CheckedEntry]) -> dict:
    """The engine's inputs as plain JSON data, independent of input order and number form.

    Entry numbers are the exact integers the engine computes with: per-criterion sums and
    min/max sheet totals in half points, the panel score in hundredths.
    """
    return {
        "engine": ENGINE_VERSION,
        "criteria": [[c.code, _exact(c.max_points)] for c in config.criteria],
        "tiebreak": list(config.tiebreak_order),
        "judges_per_entry": config.judges_per_entry,
        "discrepancy_threshold": _exact(config.discrepancy_threshold),
        "fields": list(config.fields),
        "boards": list(config.boards),
        "prizes": [
            [p.code, _exact(p.min_score), p.quota, str(p.scope), p.automatic] for p in config.prizes
        ],
        "round": {
            "last": config.round.last,
            "cutoff": None if config.round.last else _exact(config.round.cutoff),
        },
        "entries": sorted(
            [
                c.agg.code,
                c.agg.field,
                c.agg.board,
                c.agg.sheet_count,
                list(c.halves),
                c.min_half,
                c.max_half,
                c.panel_cents,
            ]
            for c in listed
        ),
    }


def fingerprint_checked(config: RankingConfig, listed: Iterable[CheckedEntry]) -> str:
    """sha256 (hex) of the canonical inputs of the checked listed entries."""
    text = json.dumps(
        canonical_inputs(config, listed), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def results_header(config: ResultColumns) -> tuple[str, ...]:
    """The results-file columns; ``board`` only when the edition has boards."""
    board = ("board",) if config.has_boards else ()
    return ("entry", "field", *board, "rank", "score", "prize", "flags")


def format_score(score: Decimal | None) -> str:
    """A score with exactly 2 decimals and ``.`` as decimal mark; ``""`` when None."""
    if score is None:
        return ""
    return str(score.quantize(Decimal("0.01")))


class ResultColumns(Protocol):
    """What the results file needs of a configuration (a ``RankingConfig``, or the columns
    of a stored run)."""

    @property
    def has_boards(self) -> bool: ...


class ResultLine(Protocol):
    """What the results file reads of one result (an ``EntryResult``, or a stored row)."""

    @property
    def entry(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def board(self) -> str | None: ...
    @property
    def rank(self) -> int | None: ...
    @property
    def score(self) -> Any: ...
    @property
    def prize(self) -> str | None: ...
    @property
    def flags(self) -> tuple[str, ...]: ...


def results_rows(config: ResultColumns, results: Iterable[ResultLine]) -> list[tuple[str, ...]]:
    """One row of strings per result, matching ``results_header(config)``."""
    rows = []
    for result in results:
        board = (result.board or "",) if config.has_boards else ()
        rows.append(
            (
                result.entry,
                result.field,
                *board,
                "" if result.rank is None else str(result.rank),
                format_score(result.score),
                result.prize or "",
                ";".join(result.flags),
            )
        )
    return rows
