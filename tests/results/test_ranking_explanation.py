"""The explanation record: enough to say "75.50 ≥ band 75 for Giải Nhì; 3rd of 3 Nhì slots"."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from contest.results.ranking import Outcome, Scope, rank_round
from tests.results.builders import config, entry, level


def _by_code(results):
    """Results keyed by entry code."""
    return {r.entry: r for r in results}


def test_band_and_slot_position_of_an_award():
    cfg = config(prizes=(level("first", band=85, quota=1), level("second", band=75, quota=3)))
    results = _by_code(
        rank_round(
            cfg,
            [
                entry("E1", (45, 45), (45, 45)),  # 90 → first
                entry("E2", (40, 40), (40, 40)),  # 80 → second slot 1
                entry("E3", (39, 39), (39, 39)),  # 78 → second slot 2
                entry("E4", (38, 37.5), (38, 37.5)),  # 75.50 → second slot 3 of 3
                entry("E5", (37.5, 37.5), (37.5, 37.5)),  # 75.00 ≥ band, but quota full
            ],
        )
    )
    e4 = results["E4"].explanation
    assert results["E4"].score == Decimal("75.50")
    first, second = e4.levels
    assert (first.level, first.outcome, first.band) == ("first", Outcome.BELOW_BAND, 85)
    assert second.level == "second" and second.outcome == Outcome.AWARDED
    assert (second.band, second.quota, second.slot_first, second.slot_last) == (75, 3, 3, 3)
    assert second.taken_before == 2 and second.scope == Scope.FIELD and second.scope_key == ("F",)
    e5 = results["E5"].explanation.levels
    assert [o.outcome for o in e5] == [Outcome.BELOW_BAND, Outcome.QUOTA_FULL]
    assert e5[1].taken_before == 3
    # an entry awarded at the first level has exactly one outcome
    assert [o.outcome for o in results["E1"].explanation.levels] == [Outcome.AWARDED]


def test_tie_at_quota_and_closed_level_are_explained():
    cfg = config(prizes=(level("first", quota=1), level("second", quota=2)))
    results = _by_code(
        rank_round(
            cfg,
            [
                entry("E1", (45, 45), (45, 45)),
                entry("E2", (45, 45), (45, 45)),
                entry("E3", (40, 40), (40, 40)),
            ],
        )
    )
    e1 = results["E1"].explanation
    assert e1.tied_with == ("E2",)  # shares the rank in the group
    tie, award = e1.levels
    assert tie.outcome == Outcome.TIE_AT_QUOTA and tie.tied_with == ("E2",)
    assert award.outcome == Outcome.AWARDED and (award.slot_first, award.slot_last) == (1, 2)
    e3 = results["E3"].explanation.levels
    assert [o.outcome for o in e3] == [Outcome.CLOSED_BY_TIE, Outcome.QUOTA_FULL]


def test_manual_level_is_explained():
    cfg = config(prizes=(level("special", automatic=False), level("first", quota=1)))
    (result,) = rank_round(cfg, [entry("E1", (45, 45), (45, 45))])
    assert [o.outcome for o in result.explanation.levels] == [Outcome.MANUAL, Outcome.AWARDED]


def test_scores_means_and_spread():
    cfg = config(judges=3, prizes=(level("first"),))
    (result,) = rank_round(cfg, [entry("E1", (40.5, 40), (40, 40), (45, 40))])
    exp = result.explanation
    # totals 80.5, 80, 85 → 245.5 / 3 = 81.8333… → 81.83
    assert exp.mean == Fraction(491, 6)
    assert exp.computed_score == Decimal("81.83") == result.score
    assert (exp.min_total, exp.max_total, exp.spread) == (80, 85, Decimal("5.0"))
    assert exp.tiebreak_means == (("x", Fraction(251, 6)), ("y", Fraction(40)))
    assert exp.sheet_count == 3 and exp.judges_required == 3
    assert exp.panel_score is None and not exp.panel_ignored and exp.cutoff is None


def test_panel_score_keeps_computed_score_in_explanation():
    (result,) = rank_round(config(), [entry("E1", (40, 40), (40.5, 40), panel="90")])
    assert result.score == Decimal("90.00")
    assert result.explanation.computed_score == Decimal("80.25")
    assert result.explanation.panel_score == Decimal("90")


def test_incomplete_entry_explains_ignored_panel_score():
    (result,) = rank_round(config(), [entry("E1", (40, 40), panel="90")])
    exp = result.explanation
    assert result.score is None and exp.computed_score is None
    assert exp.panel_ignored and exp.sheet_count == 1 and exp.levels == ()


def test_preliminary_round_explains_cutoff():
    cfg = config(last=False, cutoff="60", prizes=(level("first"),))
    (result,) = rank_round(cfg, [entry("E1", (30, 30), (30, 30))])
    assert result.explanation.cutoff == Decimal("60") and result.explanation.levels == ()
    assert result.flags == ("ADVANCED",)


def test_score_has_two_places_and_group_key():
    cfg = config(fields=("F",), boards=("B1",))
    (result,) = rank_round(cfg, [entry("E1", (40, 40), (40, 40), board="B1")])
    assert result.score.as_tuple().exponent == -2
    assert result.group == ("F", "B1")
    cfg = config(fields=("F", "G"), prizes=(level("a", scope="edition"),))
    (result,) = rank_round(cfg, [entry("E1", (40, 40), (40, 40), field="G")])
    assert result.group == ()
