"""Input checks, the aggregate input path, the fingerprint and the results-file rows."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from contest.results.ranking import (
    EntryAggregate,
    PrizeLevel,
    RankingConfig,
    RoundSpec,
    aggregate,
    fingerprint,
    rank_round,
    run_round,
)
from contest.results.ranking_export import format_score, results_header, results_rows
from tests.results.builders import config, entry, level, sheet

# ---------------------------------------------------------------- refused inputs


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([entry("E1", (40, 40), (40, 50.5))], "outside 0"),
        ([entry("E1", (40, 40), (40, "-0.5"))], "outside 0"),
        ([entry("E1", (40, 40), (40, "39.25"))], "multiple of 0.5"),
        ([entry("E1", (40, 40), (40,))], "must score exactly"),
        ([entry("E1", (40, 40), field="nope")], "unknown field"),
        ([entry("E1", (40, 40)), entry("E1", (40, 40))], "duplicate entry code"),
        ([entry("E1", status="lost")], "unknown status"),
        ([entry("E1", (40, 40), (40, 40), panel="80.125")], "at most 2 decimals"),
        ([entry("E1", (40, 40), (40, 40), panel="-1")], "at most 2 decimals"),
        ([entry("E1", (40, 40), (40, "abc"))], "not a number"),
        ([entry("E1", (40, 40), (40, "NaN"))], "not a finite number"),
        ([entry("E1", (40, 40), board="B")], "no boards"),
    ],
)
def test_invalid_entries_are_refused(entries, message):
    with pytest.raises(ValueError, match=message):
        rank_round(config(), entries)


def test_floats_are_refused():
    bad = entry("E1")
    bad = bad.__class__(code="E1", field="F", sheets=(sheet(40, 40),), panel_score=80.5)
    with pytest.raises(TypeError, match="float"):
        rank_round(config(), [bad])
    with pytest.raises(TypeError):
        config(threshold=20.0)


def test_board_required_when_edition_has_boards():
    with pytest.raises(ValueError, match="board"):
        rank_round(config(boards=("B1",)), [entry("E1", (40, 40))])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tiebreak": ("x", "nope")}, "unknown criteria"),
        ({"tiebreak": ("x", "x")}, "duplicate"),
        ({"fields": ("F", "F")}, "duplicate field"),
        ({"judges": 0}, "at least 1"),
        ({"prizes": (level("a"), level("a"))}, "duplicate prize"),
        ({"criteria": ()}, "criterion"),
    ],
)
def test_invalid_config_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        config(**kwargs)


def test_preliminary_round_needs_cutoff_and_quota_is_checked():
    with pytest.raises(ValueError, match="cutoff"):
        RoundSpec(last=False)
    with pytest.raises(ValueError, match="quota"):
        PrizeLevel("a", quota=-1)
    with pytest.raises(ValueError):
        PrizeLevel("a", scope="province")


@pytest.mark.parametrize(
    ("agg", "message"),
    [
        (EntryAggregate("E1", "F", None, 2, {"x": 101, "y": 59}, 80, 80), "sum of x"),
        (EntryAggregate("E1", "F", None, 2, {"x": 40, "y": 40}, 50, 30), "inconsistent"),
        (EntryAggregate("E1", "F", None, 2, {"x": 80, "y": 80}, 81, 82), "inconsistent"),
        (EntryAggregate("E1", "F", None, 1, {"x": 40, "y": 40}, 70, 90), "one sheet"),
        (EntryAggregate("E1", "F", None, 0, {"x": 0, "y": 0}, 0, 0), "no sheets"),
        (EntryAggregate("E1", "F", None, 2, {"x": 80}, 80, 80), "exactly"),
        (EntryAggregate("E1", "F", None, 2, {"x": "80.25", "y": 80}, 80, 80), "multiple"),
        (
            EntryAggregate("E1", "F", None, 2, {"x": Decimal("NaN"), "y": Decimal(80)}, 80, 80),
            "finite",
        ),
        (EntryAggregate("E1", "F", None, 2, {"x": 80, "y": 80}, Decimal("Inf"), 80), "finite"),
        (EntryAggregate("E1", "F", None, 2, {"x": 80, "y": 80}, 80, 80, Decimal("NaN")), "finite"),
        (EntryAggregate("E1", "F", None, 2, {"x": 80, "y": 80}, 80, 80, Decimal("-0.5")), "≥ 0"),
        (EntryAggregate("E1", "F", None, True, {"x": 80, "y": 80}, 80, 80), "sheet_count"),
        (EntryAggregate("E1", "F", "B", 2, {"x": 80, "y": 80}, 80, 80), "no boards"),
    ],
)
def test_inconsistent_aggregates_are_refused(agg, message):
    with pytest.raises(ValueError, match=message):
        rank_round(config(), [agg])


# ---------------------------------------------------------------- the aggregate input path


def test_aggregate_path_equals_sheet_path():
    cfg = config(judges=2, prizes=(level("first", quota=1), level("second", band=70)))
    entries = [
        entry("E1", (40.5, 40), (40, 40), (45, 44.5)),
        entry("E2", (45, 45), (25, 25), panel="77.5"),
        entry("E3", (40, 40)),
        entry("E4", (35, 35), (35.5, 35)),
    ]
    aggs = [aggregate(e, cfg) for e in entries]
    assert aggs[0] == EntryAggregate(
        "E1", "F", None, 3, {"x": Decimal("125.5"), "y": Decimal("124.5")}, 80, Decimal("89.5")
    )
    assert rank_round(cfg, aggs) == rank_round(cfg, entries)
    assert fingerprint(cfg, aggs) == fingerprint(cfg, entries)


# ---------------------------------------------------------------- fingerprint


def _cfg():
    """A configuration with prizes for the fingerprint tests."""
    return config(prizes=(level("first", band=85, quota=1), level("second", band=75)))


def _entries():
    """A few entries for the fingerprint tests."""
    return [
        entry("E1", (40.5, 40), (40, 40)),
        entry("E2", (45, 45), (44, 45), panel="90"),
        entry("E3", (30, 30)),
    ]


def test_fingerprint_ignores_order_number_form_and_unlisted_entries():
    base = fingerprint(_cfg(), _entries())
    assert len(base) == 64 and run_round(_cfg(), _entries()).fingerprint == base
    shuffled = list(reversed(_entries()))
    assert fingerprint(_cfg(), shuffled) == base
    reordered_sheets = _entries()
    reordered_sheets[0] = entry("E1", (40, 40), (40.5, 40))
    assert fingerprint(_cfg(), reordered_sheets) == base
    other_form = _entries()
    other_form[1] = entry("E2", ("45.0", 45), (44, "45.00"), panel="90.00")
    assert fingerprint(_cfg(), other_form) == base
    with_rejected = [*_entries(), entry("E9", (50, 50), (50, 50), status="rejected")]
    assert fingerprint(_cfg(), with_rejected) == base
    explicit_tiebreak = config(
        prizes=(level("first", band=85, quota=1), level("second", band=75)), tiebreak=("x", "y")
    )
    assert fingerprint(explicit_tiebreak, _entries()) == base


@pytest.mark.parametrize(
    "change",
    [
        lambda c, e: (c, [entry("E1", (40.5, 40), (40, 39.5)), *e[1:]]),
        lambda c, e: (c, [*e[:2], entry("E3", (30, 30), status="accepted", field="F", panel="1")]),
        lambda c, e: (
            config(prizes=(level("first", band=85, quota=2), level("second", band=75))),
            e,
        ),
        lambda c, e: (config(prizes=c.prizes, judges=1), e),
        lambda c, e: (config(prizes=c.prizes, threshold=10), e),
        lambda c, e: (config(prizes=c.prizes, tiebreak=("y", "x")), e),
        lambda c, e: (config(prizes=c.prizes, last=False, cutoff=60), e),
        lambda c, e: (c, e[:2]),
    ],
)
def test_fingerprint_changes_with_any_relevant_input(change):
    cfg, entries = change(_cfg(), _entries())
    assert fingerprint(cfg, entries) != fingerprint(_cfg(), _entries())


def test_fingerprint_sees_sheet_totals_not_only_sums():
    """Same criterion sums (x 120, y 120), 3 sheets; totals 70/90/80, 75/90/75 (only the
    minimum differs from the first) and 70/85/85 (only the maximum differs)."""
    prints = {
        fingerprint(_cfg(), [entry("E1", *sheets)])
        for sheets in (
            ((35, 35), (45, 45), (40, 40)),
            ((35, 40), (45, 45), (40, 35)),
            ((35, 35), (40, 45), (45, 40)),
        )
    }
    assert len(prints) == 3


def test_run_is_identical_for_identical_inputs():
    entries = _entries()
    random.Random(7).shuffle(entries)
    assert run_round(_cfg(), entries) == run_round(_cfg(), _entries())


# ---------------------------------------------------------------- results-file rows


def test_results_header_and_rows_with_boards():
    cfg = config(boards=("B1", "B2"), prizes=(level("first", quota=1),))
    results = rank_round(
        cfg,
        [entry("E2", (40, 40), (40, 40), board="B2"), entry("E1", (40, 40), board="B1")],
    )
    assert results_header(cfg) == ("entry", "field", "board", "rank", "score", "prize", "flags")
    assert results_rows(cfg, results) == [
        ("E1", "F", "B1", "", "", "", "INCOMPLETE"),
        ("E2", "F", "B2", "1", "80.00", "first", ""),
    ]


def test_results_header_without_boards():
    assert results_header(config()) == ("entry", "field", "rank", "score", "prize", "flags")


@pytest.mark.parametrize(
    ("score", "text"),
    [(None, ""), (Decimal("0.00"), "0.00"), (Decimal("80"), "80.00"), (Decimal("100.5"), "100.50")],
)
def test_format_score(score, text):
    assert format_score(score) == text


def test_config_accepts_lists_and_defaults():
    cfg = RankingConfig(criteria=[config().criteria[0]], fields=["F"])
    assert cfg.fields == ("F",) and cfg.judges_per_entry == 2
    assert cfg.discrepancy_threshold == 20 and cfg.tiebreak_order == ("x",)
    assert not cfg.ranks_edition_wide and not cfg.has_boards
