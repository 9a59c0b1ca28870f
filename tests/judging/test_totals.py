"""Sheet totals and round membership, defined once (``contest.judging.totals``): the sheet's own
total, the set-based SQL, the compile, the review page, the discrepancy list and the next
round's members all agree — also when a criterion was retired during judging (its old points
stay stored and count nowhere)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from contest.extensions import db
from contest.judging import progress, totals
from contest.judging.models import ScoreSheet
from contest.judging.panels import round_entry_ids
from contest.results import compile as compiling
from contest.results import review
from contest.results.flags import Flag
from contest.results.models import ResultRow
from tests import factories
from tests.judging.conftest import DURING, make_entry

# points per judge as (novelty ≤ 30, applicability ≤ 30, effect ≤ 40); effect gets retired
SHEETS = {
    # counted: 60 and 20 (spread 40 > 20: DISCREPANCY; mean 40 < 60); with effect: 60 and 60
    "CNTT-001": [(30, 30, 0), (10, 10, 40)],
    # counted: 60 and 59.5 (mean 59.75 < 60); with effect: 70 and 64.5 (mean 67.25 ≥ 60)
    "CNTT-002": [(30, 30, 10), ("30", "29.5", 5)],
    # counted: 60 and 60 (mean 60 ≥ 60: ADVANCED), whatever the retired points
    "CNTT-003": [(30, 30, 0), (30, 30, "0.5")],
    # one sheet: INCOMPLETE whatever it holds
    "CNTT-004": [(30, 30, 40)],
}


@pytest.fixture()
def judged(edition, judges):
    """A preliminary round (cutoff 60) before ``final`` with the sheets of ``SHEETS``
    submitted, then the criterion ``effect`` retired. Returns (prelim, final, entries)."""
    prelim = factories.make_round(edition, "prelim", position=-1, cutoff=60)
    final = next(r for r in edition.rounds if r.code == "final")
    criteria = edition.criteria
    entries = {}
    for code, sheets in SHEETS.items():
        entry = entries[code] = make_entry(edition, code)
        for judge, points in zip(judges, sheets, strict=False):
            assert len(points) == len(criteria)
            factories.make_score_sheet(
                entry, judge, prelim, points, submitted_at=DURING, commit=False
            )
    criteria[2].retired_at = DURING  # allowed during judging (with an override)
    db.session.commit()
    return prelim, final, entries


def _expected(points) -> Decimal:
    """The sheet total by RULES §5.1 with ``effect`` retired: novelty + applicability."""
    return Decimal(str(points[0])) + Decimal(str(points[1]))


def _sheets(round_) -> list[ScoreSheet]:
    return list(db.session.scalars(select(ScoreSheet).where(ScoreSheet.round_id == round_.id)))


def test_the_sheet_total_and_the_sql_totals_agree_and_leave_out_the_retired_criterion(
    judged, edition, judges
):
    prelim, _final, entries = judged
    sql = {
        sheet_id: totals.from_halves(halves)
        for sheet_id, halves in db.session.execute(
            select(totals.sheet_totals(prelim).c["sheet_id", "halves"])
        )
    }
    by_judge = {j.id: i for i, j in enumerate(judges)}
    sheets = _sheets(prelim)
    assert len(sheets) == 7
    for sheet in sheets:
        points = SHEETS[sheet.entry.code][by_judge[sheet.judge_id]]
        assert sheet.total == sql[sheet.id] == _expected(points)
    # the retired points are still stored
    assert sum(s.points for sheet in sheets for s in sheet.scores) > sum(sql.values())
    assert [c.code for c in totals.counted_criteria(edition)] == ["novelty", "applicability"]


def test_review_discrepancies_compile_and_membership_agree(judged, edition, judges):
    prelim, final, entries = judged
    python = {}
    for sheet in _sheets(prelim):
        python.setdefault(sheet.entry_id, []).append(sheet.total)

    # the review page's judge totals
    shown = review.judge_totals(prelim)
    assert {e: sorted(j.total for j in js) for e, js in shown.items()} == {
        e: sorted(ts) for e, ts in python.items()
    }

    # the discrepancy list (threshold 20): only CNTT-001, with the counted totals
    found = progress.discrepancies(edition, prelim)
    assert [d.entry_code for d in found] == ["CNTT-001"]
    assert sorted(t.total for t in found[0].totals) == [Decimal("20"), Decimal("60")]

    # the compile: the same totals (min, max, mean) and flags
    outcome = compiling.compile_round(edition, prelim)
    rows = {r.entry_code: r for r in outcome.run.rows}
    for code, entry in entries.items():
        row, mine = rows[code], python[entry.id]
        assert row.explanation["sheets"] == len(mine)
        assert Decimal(row.explanation["min"]) == min(mine)
        assert Decimal(row.explanation["max"]) == max(mine)
    assert rows["CNTT-001"].flag_list == [Flag.DISCREPANCY]
    assert rows["CNTT-001"].score == Decimal("40.00")
    assert rows["CNTT-002"].flag_list == [] and rows["CNTT-002"].score == Decimal("59.75")
    assert rows["CNTT-003"].flag_list == [Flag.ADVANCED]
    assert rows["CNTT-003"].score == Decimal("60.00")
    assert rows["CNTT-004"].flag_list == [Flag.INCOMPLETE]

    # next-round membership: exactly the rows the run flagged ADVANCED
    advanced = {r.entry_id for r in outcome.run.rows if Flag.ADVANCED in r.flag_list}
    assert round_entry_ids(edition, final) == advanced == {entries["CNTT-003"].id}


def test_membership_follows_the_latest_run_of_the_round_before(judged, edition):
    prelim, final, entries = judged
    assert round_entry_ids(edition, prelim) == {e.id for e in entries.values()}
    assert round_entry_ids(edition, final) == set()  # no run of the preliminary round yet
    compiling.compile_round(edition, prelim)
    assert round_entry_ids(edition, final) == {entries["CNTT-003"].id}
    prelim.cutoff = Decimal("59.5")
    db.session.flush()
    assert round_entry_ids(edition, final) == {entries["CNTT-003"].id}  # not compiled again
    compiling.compile_round(edition, prelim)
    assert round_entry_ids(edition, final) == {entries["CNTT-002"].id, entries["CNTT-003"].id}
    # the compile of the final ranks the same members
    member_ids = set(
        db.session.scalars(
            select(ResultRow.entry_id).where(
                ResultRow.run_id == compiling.compile_round(edition, final).run.id
            )
        )
    )
    assert member_ids == round_entry_ids(edition, final)
