"""The compile's fast paths give exactly what the plain paths give: the explanation text built
directly equals ``json.dumps`` of the explanation dict; ``check_units`` (integers from SQL)
equals ``check_aggregate`` (Decimals) and refuses what it refuses; an unchanged re-compile
returns before ranking; the stored explanation reads back as the same dict."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from sqlalchemy import select

from contest.extensions import db
from contest.results import compile as compiling
from contest.results.models import ResultsRun
from contest.results.ranking import (
    HalfPointDecimals,
    aggregate,
    check_units,
    rank_round,
    run_round,
)
from contest.results.ranking_inputs import check_aggregate
from tests.results import builders as b
from tests.results.test_ranking_properties import FAST, editions
from tests.results_compile.helpers import invoke_ok
from tests.results_compile.test_compile import _small


def _text(value: Any) -> Any:
    """A Decimal as its exact text; None stays None."""
    return None if value is None else str(value)


def _reference_explanation(result) -> dict[str, Any]:
    """The explanation dict as the compile built it before the direct text (the spec)."""
    e = result.explanation
    data: dict[str, Any] = {
        "sheets": e.sheet_count,
        "required": e.judges_required,
        "sums": {c: str(v) for c, v in e.criterion_sums.items()},
        "computed": _text(e.computed_score),
        "min": _text(e.min_total),
        "max": _text(e.max_total),
    }
    if e.panel_score is not None:
        data["panel"] = str(e.panel_score)
        data["panel_ignored"] = e.panel_ignored
    if e.tied_with:
        data["tied_with"] = list(e.tied_with)
    if e.cutoff is not None:
        data["cutoff"] = str(e.cutoff)
    if e.levels:
        data["levels"] = [
            {
                k: v
                for k, v in (
                    ("level", lv.level),
                    ("outcome", str(lv.outcome)),
                    ("band", _text(lv.band)),
                    ("quota", lv.quota),
                    ("scope", str(lv.scope)),
                    ("taken_before", lv.taken_before),
                    ("slot_first", lv.slot_first),
                    ("slot_last", lv.slot_last),
                    ("tied_with", list(lv.tied_with) or None),
                )
                if v is not None
            }
            for lv in e.levels
        ]
    return data


@FAST
@given(editions())
def test_the_explanation_text_is_json_dumps_of_the_explanation(edition):
    config, entries = edition
    for result in rank_round(config, entries):
        expected = json.dumps(
            _reference_explanation(result), ensure_ascii=False, separators=(",", ":")
        )
        assert compiling.explanation_json(result) == expected


def test_the_explanation_text_escapes_codes():
    config = b.config(criteria=(10,), judges=1, prizes=(b.level('Giải "1"', quota=1),))
    entries = [b.entry('A\\"1', ("5",)), b.entry("Á\t2", ("5",))]
    for result in rank_round(config, entries):
        text = compiling.explanation_json(result)
        assert json.loads(text) == _reference_explanation(result)
        assert compiling.copy_text(text).count("\t") == 0


@FAST
@given(editions())
def test_check_units_equals_check_aggregate(edition):
    config, entries = edition
    decimals = HalfPointDecimals()
    listed = []
    for entry in entries:
        if entry.status != "accepted":
            continue
        checked = check_aggregate(aggregate(entry, config), config)
        agg = checked.agg
        fast = check_units(
            config,
            agg.code,
            agg.field,
            agg.board,
            agg.sheet_count,
            checked.halves,
            checked.min_half,
            checked.max_half,
            checked.panel_cents,
            decimals,
        )
        assert fast == checked
        listed.append(fast)
    assert run_round(config, listed) == run_round(config, entries)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"field": "G"}, "unknown field"),
        ({"board": "B"}, "no boards"),
        ({"n": -1}, "non-negative"),
        ({"n": True}, "non-negative"),
        ({"halves": (41, 0)}, "sum of x"),
        ({"halves": (1,)}, "cover exactly"),
        ({"low": None}, "required with sheets"),
        ({"low": 15, "high": 10}, "inconsistent"),
        ({"low": 1, "high": 2}, "inconsistent"),
        ({"n": 0, "halves": (0, 0)}, "no sheets"),
        ({"n": 1, "low": 10, "high": 20, "halves": (10, 5)}, "one sheet"),
        ({"panel": -1}, "panel score"),
        ({"panel": Decimal("80.5")}, "panel score"),
    ],
)
def test_check_units_refuses_what_no_sheets_could_give(change, message):
    config = b.config(criteria=(10, 10))  # maxima 20 half points each
    values = {"field": "F", "board": None, "n": 2, "halves": (12, 14), "low": 12, "high": 14}
    values["panel"] = None
    values.update(change)
    with pytest.raises(ValueError, match=message):
        check_units(
            config,
            "E1",
            values["field"],
            values["board"],
            values["n"],
            values["halves"],
            values["low"],
            values["high"],
            values["panel"],
            HalfPointDecimals(),
        )


def test_an_unchanged_compile_returns_before_ranking(runner, tmp_path, monkeypatch):
    edition = _small(runner, tmp_path)
    invoke_ok(runner, "results", "compile", edition.slug)
    run = db.session.scalars(select(ResultsRun)).one()
    stored = [r.explanation for r in run.rows]

    def never(config, entries):
        raise AssertionError("ranked although the inputs did not change")

    monkeypatch.setattr(compiling, "run_round", never)
    outcome = compiling.compile_round(edition, edition.rounds[0])
    assert not outcome.created and outcome.run.id == run.id
    assert outcome.summary["entries"] == 2
    db.session.rollback()
    monkeypatch.undo()
    round_ = edition.rounds[0]
    config = compiling.config_from_edition(edition, round_)
    aggregates = compiling.stream_aggregates(edition, round_, config, {})
    ranking = compiling.run_round(config, aggregates)
    assert stored == [_reference_explanation(r) for r in ranking.results]
