"""The compile's fast paths give exactly what the plain paths give: the compact explanation
text, decoded with its run's context, is the explanation dict (same keys, same order, same
texts) the rows stored before; ``check_units`` (integers from SQL) equals ``check_aggregate``
(Decimals) and refuses what it refuses; an unchanged re-compile returns before ranking; the
stored explanation reads back as the same dict."""

from __future__ import annotations

import json
from decimal import Decimal
from types import SimpleNamespace
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
    check_aggregate,
    check_unit_columns,
    check_units,
    listed_entries,
    rank_part,
    rank_round,
    ranking_parts,
    run_round,
)
from contest.results.run_text import (
    ExplanationTexts,
    copy_text,
    decode_explanation,
    explanation_context,
)
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


def _dumps(data: dict[str, Any]) -> str:
    """The JSON text the rows stored before the compact form (same keys, same order)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@FAST
@given(editions())
def test_the_compact_explanation_decodes_to_the_explanation_dict(edition):
    config, entries = edition
    texts = ExplanationTexts(config)
    context = json.loads(json.dumps(explanation_context(config)))  # as stored (JSON column)
    for result in rank_round(config, entries):
        text = texts.text(result)
        assert json.loads(text) is not None  # valid JSON, for any tool reading the column
        decoded = decode_explanation(text, context)
        assert _dumps(decoded) == _dumps(_reference_explanation(result))  # keys in order too


def test_the_compact_explanation_escapes_codes_and_keeps_every_part():
    config = b.config(
        criteria=(10, 10),
        judges=1,
        prizes=(b.level("sp", automatic=False), b.level('Giải "1"', band="5.5", quota=1)),
    )
    entries = [
        b.entry('A\\"1', ("5", "3")),
        b.entry("Á\t2", ("5", "3")),
        b.entry("C3", ("1", "0"), panel="6.25"),
        b.entry("D4", panel="9"),
    ]
    texts = ExplanationTexts(config)
    context = explanation_context(config)
    results = rank_round(config, entries)
    for result in results:
        text = texts.text(result)
        assert decode_explanation(text, context) == _reference_explanation(result)
        assert copy_text(text).count("\t") == 0
    tied = decode_explanation(texts.text(results[0]), context)
    assert tied["tied_with"] == ["Á\t2"]
    assert [lv["outcome"] for lv in tied["levels"]] == ["manual", "tie_at_quota"]
    assert tied["levels"][1]["tied_with"] == ["Á\t2"] and tied["levels"][1]["band"] == "5.5"
    panel = decode_explanation(texts.text(results[2]), context)
    assert (panel["panel"], panel["panel_ignored"], panel["computed"]) == ("6.25", False, "1.00")
    ignored = decode_explanation(texts.text(results[3]), context)
    assert ignored["panel_ignored"] is True and "levels" not in ignored
    preliminary = b.config(criteria=(10,), judges=1, last=False, cutoff="4.5")
    (result,) = rank_round(preliminary, [b.entry("P1", ("5",))])
    text = ExplanationTexts(preliminary).text(result)
    assert decode_explanation(text, explanation_context(preliminary))["cutoff"] == "4.5"


def test_a_row_stored_before_the_compact_form_reads_as_itself():
    stored = {"sheets": 2, "required": 2, "sums": {"x": "10.0"}, "levels": [{"level": "a"}]}
    assert decode_explanation(_dumps(stored), None) == stored
    assert decode_explanation("", None) == {}
    with pytest.raises(ValueError, match="context"):
        decode_explanation('[2,["10.0"],"5.00","2.5","2.5",[]]', None)


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
    columns = _columns(
        config, [(c.agg, c.halves, c.min_half, c.max_half, c.panel_cents) for c in listed]
    )
    assert check_unit_columns(config, *columns, HalfPointDecimals()) == listed


def _columns(config, rows) -> tuple:
    """``check_unit_columns``'s arguments (without the Decimals) from (agg-like, halves, low,
    high, panel) rows: codes, fields, boards, counts, sums per criterion, lows, highs, panels."""
    count = len(config.criterion_codes)
    return (
        [r[0].code for r in rows],
        [r[0].field for r in rows],
        [r[0].board for r in rows],
        [r[0].sheet_count for r in rows],
        [[r[1][i] for r in rows] for i in range(count)],
        [r[2] for r in rows],
        [r[3] for r in rows],
        [r[4] for r in rows],
    )


@FAST
@given(editions())
def test_ranking_part_by_part_equals_ranking_all(edition):
    config, entries = edition
    listed = listed_entries(config, entries)
    parts = ranking_parts(config, listed)
    assert sorted(c.agg.code for p in parts for c in p) == [c.agg.code for c in listed]
    by_parts = tuple(r for part in parts for r in rank_part(config, part))
    assert by_parts == rank_round(config, entries)


def test_groups_rank_apart_unless_an_edition_level_links_them():
    entries = [
        b.entry("A", ("5",), ("5",), field="F"),
        b.entry("B", ("4",), ("4",), field="G"),
        b.entry("C", ("3",), field="F"),  # incomplete: stays in its group's part
    ]
    per_field = b.config(criteria=(10,), fields=("G", "F"), prizes=(b.level("p", quota=1),))
    parts = ranking_parts(per_field, listed_entries(per_field, entries))
    assert [[c.agg.code for c in p] for p in parts] == [["B"], ["A", "C"]]  # edition order
    linked = b.config(
        criteria=(10,),
        fields=("G", "F"),
        prizes=(b.level("p", quota=1, scope="edition"), b.level("q", quota=1)),
    )
    assert len(ranking_parts(linked, listed_entries(linked, entries))) == 1
    preliminary = b.config(
        criteria=(10,), fields=("G", "F"), prizes=linked.prizes, last=False, cutoff=4
    )
    assert len(ranking_parts(preliminary, listed_entries(preliminary, entries))) == 2
    assert ranking_parts(per_field, []) == []


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
    # the same entry among good ones, checked column by column: the same refusal
    good = (SimpleNamespace(code="E0", field="F", board=None, sheet_count=1), (4, 6), 10, 10, None)
    bad = SimpleNamespace(
        code="E1", field=values["field"], board=values["board"], sheet_count=values["n"]
    )
    rows = [good, (bad, values["halves"], values["low"], values["high"], values["panel"]), good]
    if len(values["halves"]) == 2:
        with pytest.raises(ValueError, match=message):
            check_unit_columns(config, *_columns(config, rows), HalfPointDecimals())
    else:  # sums not covering the criteria: a column is missing
        columns = list(_columns(config, [good]))
        columns[4] = columns[4][:1]
        with pytest.raises(ValueError, match=message):
            check_unit_columns(config, *columns, HalfPointDecimals())


def test_an_unchanged_compile_returns_before_ranking(runner, tmp_path, monkeypatch):
    edition = _small(runner, tmp_path)
    invoke_ok(runner, "results", "compile", edition.slug)
    run = db.session.scalars(select(ResultsRun)).one()
    stored = [r.explanation for r in run.rows]

    def never(config, part):
        raise AssertionError("ranked although the inputs did not change")

    monkeypatch.setattr(compiling, "rank_part", never)
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
