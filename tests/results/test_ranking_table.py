"""Worked examples of RULES §5, one per rule and per boundary, computed by hand.

Each case lists the expected results-file rows (FORMATS.md) as ``entry,field,[board,]rank,
score,prize,flags``. Unless a case says otherwise: criteria x and y (max 50 each, so a sheet
``(40.5, 40)`` totals 80.5), field F, judges_per_entry 2, discrepancy threshold 20, last round.
Every case is also checked against the brute-force reference of ``ranking_reference``.
"""

from __future__ import annotations

import pytest

from contest.results.ranking import rank_round
from contest.results.ranking_export import results_rows
from tests.results.builders import config, entry, level
from tests.results.ranking_reference import reference_rows

CASES = [
    # ---------------------------------------------------------------- rule 2: the score
    pytest.param(
        config(judges=3),
        # totals 80.5, 80, 80 → 240.5 / 3 = 80.1666… → half-up 80.17
        [entry("E1", (40.5, 40), (40, 40), (40, 40))],
        ["E1,F,1,80.17,,"],
        id="mean-one-sixth-rounds-up",
    ),
    pytest.param(
        config(judges=3),
        # totals 80.5, 80.5, 80 → 241 / 3 = 80.333… → 80.33 (rounds down)
        [entry("E1", (40.5, 40), (40.5, 40), (40, 40))],
        ["E1,F,1,80.33,,"],
        id="mean-one-third-rounds-down",
    ),
    pytest.param(
        config(judges=2),
        # totals 80.5 and 80 → 160.5 / 2 = 80.25 exactly
        [entry("E1", (40.5, 40), (40, 40))],
        ["E1,F,1,80.25,,"],
        id="two-sheets-exact-quarter",
    ),
    pytest.param(
        # With steps of 0.5 a mean can end in 5 at the 3rd decimal only with 4k sheets
        # (3 sheets give thirds). Half-up, not half-even (banker's would give .12 and .62):
        config(judges=4),
        [
            # 80.5 + 80 + 80 + 80 = 320.5 / 4 = 80.125 → 80.13
            entry("E1", (40.5, 40), (40, 40), (40, 40), (40, 40)),
            # 81 + 80.5 + 80.5 + 80.5 = 322.5 / 4 = 80.625 → 80.63
            entry("E2", (41, 40), (40.5, 40), (40.5, 40), (40.5, 40)),
            # 80.5 × 3 + 80 = 321.5 / 4 = 80.375 → 80.38
            entry("E3", (40.5, 40), (40.5, 40), (40.5, 40), (40, 40)),
        ],
        ["E2,F,1,80.63,,", "E3,F,2,80.38,,", "E1,F,3,80.13,,"],
        id="exact-half-at-third-decimal-rounds-up",
    ),
    pytest.param(
        config(judges=2),
        # 3 sheets where 2 are required: all submitted sheets count: 90 + 80 + 70 = 240 / 3 = 80
        [entry("E1", (45, 45), (40, 40), (35, 35))],
        ["E1,F,1,80.00,,"],
        id="more-sheets-than-required-all-averaged",
    ),
    pytest.param(
        config(criteria=(30, 30, 40), judges=1),
        # one judge required, one sheet 0 + 0 + 0 → 0.00 (ranked, formatted with 2 decimals)
        [entry("E1", (0, 0, 0))],
        ["E1,F,1,0.00,,"],
        id="zero-score-is-ranked",
    ),
    # ---------------------------------------------------------------- rule 2: panel score
    pytest.param(
        config(),
        [
            # sheets 80 and 80.5 → 80.25, replaced by the panel's 90 → ranks first
            entry("E1", (40, 40), (40.5, 40), panel="90"),
            entry("E2", (42.5, 42.5), (42.5, 42.5)),  # 85.00
        ],
        ["E1,F,1,90.00,,PANEL_SCORE", "E2,F,2,85.00,,"],
        id="panel-score-replaces-mean",
    ),
    pytest.param(
        config(),
        [
            # sheets 95 and 70: spread 25 > 20 → DISCREPANCY; panel 82.5 resolves the score,
            # the flag (a fact about the sheets) stays
            entry("E1", (47.5, 47.5), (35, 35), panel="82.5"),
        ],
        ["E1,F,1,82.50,,DISCREPANCY;PANEL_SCORE"],
        id="panel-score-keeps-discrepancy-flag",
    ),
    pytest.param(
        config(),
        [
            # panel 85 with sheets x̄ = 40; E2 computed 85 with x̄ = 45: the tie-break means
            # come from the sheets, so E2 is ahead
            entry("E1", (40, 40), (40, 40), panel="85"),
            entry("E2", (45, 40), (45, 40)),
        ],
        ["E2,F,1,85.00,,", "E1,F,2,85.00,,PANEL_SCORE"],
        id="panel-score-ties-broken-by-sheet-means",
    ),
    # ---------------------------------------------------------------- rule 3: INCOMPLETE
    pytest.param(
        config(prizes=(level("first", quota=1),)),
        [
            entry("E1", (40, 40)),  # 1 of 2 sheets
            entry("E2", (30, 30), (30, 30)),  # 60.00, the only ranked entry → first
            entry("E3"),  # no sheet at all
            entry("E4", (45, 45), panel="95"),  # panel score ignored: INCOMPLETE wins
        ],
        ["E2,F,1,60.00,first,", "E1,F,,,,INCOMPLETE", "E3,F,,,,INCOMPLETE", "E4,F,,,,INCOMPLETE"],
        id="incomplete-not-ranked-panel-ignored",
    ),
    pytest.param(
        config(judges=3),
        # 2 of 3 sheets, spread 100 − 0 = 100 > 20, but INCOMPLETE carries no other flag
        [entry("E1", (50, 50), (0, 0))],
        ["E1,F,,,,INCOMPLETE"],
        id="incomplete-hides-discrepancy",
    ),
    # ---------------------------------------------------------------- rule 4: DISCREPANCY
    pytest.param(
        config(),
        [
            entry("E1", (45, 45), (35, 35)),  # 90 and 70: spread 20 = threshold → no flag; 80.00
            entry("E2", (45.5, 45), (35, 35)),  # 90.5 and 70: spread 20.5 > 20 → flag; 80.25
        ],
        ["E2,F,1,80.25,,DISCREPANCY", "E1,F,2,80.00,,"],
        id="discrepancy-strictly-above-threshold",
    ),
    pytest.param(
        config(threshold="20.3"),
        [
            entry("E1", (45, 45), (35, 35)),  # spread 20 ≤ 20.3 → no flag
            entry("E2", (45.5, 45), (35, 35)),  # spread 20.5 > 20.3 → flag
        ],
        ["E2,F,1,80.25,,DISCREPANCY", "E1,F,2,80.00,,"],
        id="discrepancy-threshold-not-a-half-multiple",
    ),
    pytest.param(
        config(threshold=None),
        [entry("E1", (50, 50), (0, 0))],  # spread 100, but no threshold configured
        ["E1,F,1,50.00,,"],
        id="discrepancy-without-threshold-never",
    ),
    # ---------------------------------------------------------------- rule 5: ranking
    pytest.param(
        config(),
        [
            entry("E1", (40, 40), (40, 40)),  # 80.00, x̄ = 40
            entry("E2", (45, 35), (45, 35)),  # 80.00, x̄ = 45 → ahead (x first in tie-break)
        ],
        ["E2,F,1,80.00,,", "E1,F,2,80.00,,"],
        id="tiebreak-first-criterion-decides",
    ),
    pytest.param(
        config(tiebreak=("y", "x")),
        [
            entry("E1", (40, 40), (40, 40)),  # ȳ = 40 → ahead when y comes first
            entry("E2", (45, 35), (45, 35)),  # ȳ = 35
        ],
        ["E1,F,1,80.00,,", "E2,F,2,80.00,,"],
        id="tiebreak-edition-order",
    ),
    pytest.param(
        config(criteria=(30, 30, 40), tiebreak=("z",)),
        # partial tie-break list: z first, then the other criteria in criteria order (x, y)
        # E1: x̄ 20, ȳ 25, z̄ 35; E2: x̄ 25, ȳ 20, z̄ 35 → equal on z, E2 ahead on x
        [entry("E1", (20, 25, 35), (20, 25, 35)), entry("E2", (25, 20, 35), (25, 20, 35))],
        ["E2,F,1,80.00,,", "E1,F,2,80.00,,"],
        id="tiebreak-partial-list-completed",
    ),
    pytest.param(
        config(),
        [
            entry("E1", (45, 45), (45, 45)),  # 90
            entry("E2", (42.5, 42.5), (42.5, 42.5)),  # 85, x̄ 42.5, ȳ 42.5
            entry("E3", (42.5, 42.5), (42.5, 42.5)),  # identical → shares rank 2
            entry("E4", (40, 40), (40, 40)),  # 80 → rank 4 (competition ranking)
        ],
        ["E1,F,1,90.00,,", "E2,F,2,85.00,,", "E3,F,2,85.00,,", "E4,F,4,80.00,,"],
        id="still-equal-shares-rank-1-2-2-4",
    ),
    pytest.param(
        config(judges=2),
        [
            # E1: 2 sheets, x̄ = 81/2 = 40.5; E2: 4 sheets, x̄ = 162/4 = 40.5 — exactly equal
            entry("E1", (40.5, 40), (40.5, 40)),
            entry("E2", (40, 40), (41, 40), (40.5, 40), (40.5, 40)),
        ],
        ["E1,F,1,80.50,,", "E2,F,1,80.50,,"],
        id="equal-means-across-sheet-counts-share-rank",
    ),
    pytest.param(
        config(judges=3),
        [
            # E1 mean 80.1666… (x̄ 40.1666…) rounds to 80.17; E2's panel score is 80.17 with
            # x̄ 40.5: the ROUNDED scores are equal, so the means decide → E2 first
            entry("E1", (40.5, 40), (40, 40), (40, 40)),
            entry("E2", (40.5, 40), (40.5, 40), (40.5, 40), panel="80.17"),
        ],
        ["E2,F,1,80.17,,PANEL_SCORE", "E1,F,2,80.17,,"],
        id="rounded-score-is-compared-not-the-mean",
    ),
    # ---------------------------------------------------------------- rule 6: bands
    pytest.param(
        config(judges=3, prizes=(level("first", band="80.18", quota=1), level("second", "80.17"))),
        # 80.1666… → 80.17: below 80.18 (0.01 short) → falls to second, whose band 80.17 the
        # ROUNDED score reaches exactly (the unrounded mean would not)
        [entry("E1", (40.5, 40), (40, 40), (40, 40))],
        ["E1,F,1,80.17,second,"],
        id="band-equal-awarded-001-below-falls",
    ),
    pytest.param(
        config(prizes=(level("second", band=75, quota=5), level("third", band=65, quota=5))),
        [
            entry("E1", (37.5, 37.5), (37.5, 37.5)),  # 75.00 = band → second
            entry("E2", (40, 35), (40, 35), panel="74.99"),  # 74.99 < 75 → third
            entry("E3", (30, 30), (30, 30)),  # 60.00 < 65 → nothing
        ],
        ["E1,F,1,75.00,second,", "E2,F,2,74.99,third,PANEL_SCORE", "E3,F,3,60.00,,"],
        id="band-boundaries",
    ),
    pytest.param(
        config(prizes=(level("first", band="80.165", quota=5), level("second", band=80))),
        # a band with 3 decimals: 80.17 ≥ 80.165 → first; 80.16 < 80.165 → second
        [
            entry("E1", (40, 40), (40, 40), panel="80.17"),
            entry("E2", (40, 40), (40, 40), panel="80.16"),
        ],
        ["E1,F,1,80.17,first,PANEL_SCORE", "E2,F,2,80.16,second,PANEL_SCORE"],
        id="band-with-three-decimals",
    ),
    # ---------------------------------------------------------------- rule 6: quotas
    pytest.param(
        config(prizes=(level("first", quota=1), level("second", quota=2), level("third"))),
        [
            entry("E1", (45, 45), (45, 45)),  # 90, tied with E2
            entry("E2", (45, 45), (45, 45)),  # 90
            entry("E3", (42.5, 42.5), (42.5, 42.5)),  # 85
            entry("E4", (40, 40), (40, 40)),  # 80
        ],
        # first (quota 1): E1+E2 straddle 0 < 1 < 2 → TIE_AT_QUOTA, first closes (E3 may not
        # take it: it stays empty); second (quota 2): E1+E2 fit; third (no limit): E3, E4
        [
            "E1,F,1,90.00,second,TIE_AT_QUOTA",
            "E2,F,1,90.00,second,TIE_AT_QUOTA",
            "E3,F,3,85.00,third,",
            "E4,F,4,80.00,third,",
        ],
        id="tie-at-quota-falls-through-level-closes",
    ),
    pytest.param(
        config(prizes=(level("first", quota=2), level("second", quota=1), level("third", quota=4))),
        [
            entry("E1", (47.5, 47.5), (47.5, 47.5)),  # 95
            entry("E2", (45, 45), (45, 45)),  # 90 (tied with E3)
            entry("E3", (45, 45), (45, 45)),  # 90
            entry("E4", (42.5, 42.5), (42.5, 42.5)),  # 85
        ],
        # first: E1 (1 of 2), then E2+E3 straddle 1 < 2 < 3 → flag, first closes at 1 of 2;
        # second (quota 1): E2+E3 straddle again 0 < 1 < 2 → closes empty, E4 may not take it;
        # third (quota 4): E2, E3, E4
        [
            "E1,F,1,95.00,first,",
            "E2,F,2,90.00,third,TIE_AT_QUOTA",
            "E3,F,2,90.00,third,TIE_AT_QUOTA",
            "E4,F,4,85.00,third,",
        ],
        id="tie-straddles-two-levels",
    ),
    pytest.param(
        config(prizes=(level("first", quota=2), level("second", quota=1))),
        [
            entry("E1", (45, 45), (45, 45)),  # 90, tied with E2: the block fills quota 2 exactly
            entry("E2", (45, 45), (45, 45)),
            entry("E3", (40, 40), (40, 40)),  # 80 → second
        ],
        ["E1,F,1,90.00,first,", "E2,F,1,90.00,first,", "E3,F,3,80.00,second,"],
        id="tie-filling-quota-exactly-no-flag",
    ),
    pytest.param(
        config(prizes=(level("first", quota=1), level("second", quota=1))),
        [
            entry("E1", (47.5, 47.5), (47.5, 47.5)),  # 95 → first (quota now full)
            entry("E2", (45, 45), (45, 45)),  # 90 tied with E3: meets a FULL quota, no straddle
            entry("E3", (45, 45), (45, 45)),  # → second, quota 1: straddle 0 < 1 < 2 → flag
        ],
        [
            "E1,F,1,95.00,first,",
            "E2,F,2,90.00,,TIE_AT_QUOTA",
            "E3,F,2,90.00,,TIE_AT_QUOTA",
        ],
        id="tie-after-full-quota-not-a-straddle",
    ),
    pytest.param(
        config(prizes=(level("first", quota=0), level("second", quota=1))),
        # first has quota 0: nobody, no flag; second: E1; E2: nothing left
        [entry("E1", (45, 45), (45, 45)), entry("E2", (40, 40), (40, 40))],
        ["E1,F,1,90.00,second,", "E2,F,2,80.00,,"],
        id="quota-zero",
    ),
    pytest.param(
        config(prizes=(level("first", band=85, quota=1), level("merit", band=55))),
        # merit has no quota: every remaining entry ≥ 55 takes it; 50 does not
        [
            entry("E1", (45, 45), (45, 45)),  # 90 → first
            entry("E2", (42.5, 42.5), (42.5, 42.5)),  # 85 → merit (first full)
            entry("E3", (30, 30), (30, 30)),  # 60 → merit
            entry("E4", (27.5, 27.5), (27.5, 27.5)),  # 55 → merit
            entry("E5", (25, 25), (25, 25)),  # 50 → nothing
        ],
        [
            "E1,F,1,90.00,first,",
            "E2,F,2,85.00,merit,",
            "E3,F,3,60.00,merit,",
            "E4,F,4,55.00,merit,",
            "E5,F,5,50.00,,",
        ],
        id="quota-none-unlimited",
    ),
    pytest.param(
        config(
            prizes=(
                level("special", quota=1, automatic=False),
                level("first", quota=1),
                level("movement", automatic=False),
            )
        ),
        # non-automatic levels award nothing: special and movement stay for the organizers
        [entry("E1", (45, 45), (45, 45)), entry("E2", (40, 40), (40, 40))],
        ["E1,F,1,90.00,first,", "E2,F,2,80.00,,"],
        id="non-automatic-levels-skipped",
    ),
    pytest.param(
        config(prizes=(level("first", band=95, quota=1), level("second", band=90, quota=1))),
        # quotas are upper limits, not targets: nobody reaches a band → both levels empty
        [entry("E1", (40, 40), (40, 40))],
        ["E1,F,1,80.00,,"],
        id="levels-may-stay-empty",
    ),
    # ---------------------------------------------------------------- rule 5/6: groups & scope
    pytest.param(
        config(fields=("F", "G"), boards=("THPT", "THCS"), prizes=(level("first", quota=1),)),
        [
            entry("E1", (45, 45), (45, 45), board="THPT"),  # F × THPT: 90 → 1, first
            entry("E2", (42.5, 42.5), (42.5, 42.5), board="THPT"),  # F × THPT: 85 → 2
            entry("E3", (40, 40), (40, 40), board="THCS"),  # F × THCS: 80 → 1, first
            entry("E4", (35, 35), (35, 35), board="THCS"),  # F × THCS: 70 → 2
            entry("E5", (30, 30), (30, 30), field="G", board="THPT"),  # G × THPT: 60 → 1, first
        ],
        # groups in edition order: field F, G; boards THPT before THCS (edition order)
        [
            "E1,F,THPT,1,90.00,first,",
            "E2,F,THPT,2,85.00,,",
            "E3,F,THCS,1,80.00,first,",
            "E4,F,THCS,2,70.00,,",
            "E5,G,THPT,1,60.00,first,",
        ],
        id="boards-field-by-board-groups",
    ),
    pytest.param(
        config(fields=("Z", "A"), prizes=(level("first", quota=1),)),
        [entry("E1", (40, 40), (40, 40), field="A"), entry("E2", (30, 30), (30, 30), field="Z")],
        ["E2,Z,1,60.00,first,", "E1,A,1,80.00,first,"],
        id="groups-in-edition-field-order",
    ),
    pytest.param(
        config(
            fields=("F", "G"),
            prizes=(level("first", quota=1, scope="edition"), level("second", quota=1)),
        ),
        # mixed scopes → ranking per field; first is edition-wide: E3 (95) takes it;
        # second per field: F → E1, G → E4 (E3 already has first)
        [
            entry("E1", (45, 45), (45, 45)),  # F 90
            entry("E2", (42.5, 42.5), (42.5, 42.5)),  # F 85
            entry("E3", (47.5, 47.5), (47.5, 47.5), field="G"),  # G 95
            entry("E4", (35, 35), (35, 35), field="G"),  # G 70
        ],
        ["E1,F,1,90.00,second,", "E2,F,2,85.00,,", "E3,G,1,95.00,first,", "E4,G,2,70.00,second,"],
        id="mixed-scopes-edition-level-then-field-level",
    ),
    pytest.param(
        config(
            fields=("F", "G"),
            prizes=(level("first", quota=1, scope="edition"), level("second", quota=1)),
        ),
        # E1 (F) and E3 (G) are equal edition-wide (score and means): first straddles → both
        # TIE_AT_QUOTA; each then takes second in its own field
        [
            entry("E1", (45, 45), (45, 45)),
            entry("E2", (40, 40), (40, 40)),
            entry("E3", (45, 45), (45, 45), field="G"),
        ],
        [
            "E1,F,1,90.00,second,TIE_AT_QUOTA",
            "E2,F,2,80.00,,",
            "E3,G,1,90.00,second,TIE_AT_QUOTA",
        ],
        id="edition-wide-tie-across-fields",
    ),
    pytest.param(
        config(
            fields=("F", "G"),
            prizes=(level("first", quota=1), level("second", quota=1, scope="edition")),
        ),
        # first per field: F → E1 (95), G → E3 (80); second edition-wide: E2 (94).
        # Edition-wide, E3 (80) holds a higher prize than E2 (94): correct, because first is
        # per field. Monotonicity holds within each ranking group, not across the edition.
        [
            entry("E1", (47.5, 47.5), (47.5, 47.5)),
            entry("E2", (47, 47), (47, 47)),
            entry("E3", (40, 40), (40, 40), field="G"),
        ],
        ["E1,F,1,95.00,first,", "E2,F,2,94.00,second,", "E3,G,1,80.00,first,"],
        id="field-level-then-edition-level",
    ),
    pytest.param(
        config(
            fields=("F", "G"),
            prizes=(
                level("first", quota=1, scope="edition"),
                level("second", quota=2, scope="edition"),
            ),
        ),
        # every level edition-wide → one ranking group for the whole edition
        [
            entry("E1", (45, 45), (45, 45)),  # F 90 → 1 first
            entry("E2", (42.5, 42.5), (42.5, 42.5), field="G"),  # G 85 → 2 second
            entry("E3", (40, 40), (40, 40)),  # F 80 → 3 second
            entry("E4", (37.5, 37.5), (37.5, 37.5), field="G"),  # G 75 → 4
            entry("E5", (40, 40), field="G"),  # incomplete → last of the single group
        ],
        [
            "E1,F,1,90.00,first,",
            "E2,G,2,85.00,second,",
            "E3,F,3,80.00,second,",
            "E4,G,4,75.00,,",
            "E5,G,,,,INCOMPLETE",
        ],
        id="all-edition-scope-one-group",
    ),
    pytest.param(
        config(fields=("F", "G"), prizes=()),
        # no prize level at all → ranking per field (documented choice)
        [entry("E1", (40, 40), (40, 40)), entry("E2", (45, 45), (45, 45), field="G")],
        ["E1,F,1,80.00,,", "E2,G,1,90.00,,"],
        id="no-prizes-rank-per-field",
    ),
    pytest.param(
        config(
            fields=("F", "G"),
            prizes=(
                level("special", scope="field", automatic=False),
                level("first", scope="edition"),
            ),
        ),
        # a manual level's scope counts too: not every level is edition-wide → per field
        [entry("E1", (40, 40), (40, 40)), entry("E2", (45, 45), (45, 45), field="G")],
        ["E1,F,1,80.00,first,", "E2,G,1,90.00,first,"],
        id="manual-level-scope-counts-for-groups",
    ),
    # ---------------------------------------------------------------- rule 7 & 8
    pytest.param(
        config(prizes=(level("first", quota=1),)),
        [
            entry("E1", (40, 40), (40, 40)),
            entry("E2", (45, 45), (45, 45), status="rejected"),
            entry("E3", (45, 45), (45, 45), status="withdrawn"),
            entry("E4", (45, 45), (45, 45), status="received"),
        ],
        ["E1,F,1,80.00,first,"],
        id="only-accepted-listed",
    ),
    pytest.param(
        config(last=False, cutoff=60, prizes=(level("first", quota=1),)),
        [
            entry("E1", (30, 30), (30, 30)),  # 60.00 = cutoff → ADVANCED
            entry("E2", (30, 30), (30, 29.5)),  # 59.75 → not
            entry("E3", (50, 50)),  # incomplete: never advances
            entry("E4", (25, 25), (25, 25), panel="60"),  # panel 60 ≥ cutoff → ADVANCED
        ],
        # no prizes in a preliminary round; E4 ties E1 at 60.00 but its sheet means (x̄ 25)
        # are below E1's (x̄ 30) → rank 2
        [
            "E1,F,1,60.00,,ADVANCED",
            "E4,F,2,60.00,,ADVANCED;PANEL_SCORE",
            "E2,F,3,59.75,,",
            "E3,F,,,,INCOMPLETE",
        ],
        id="preliminary-cutoff-advanced-no-prizes",
    ),
    pytest.param(
        config(last=False, cutoff="60.005"),
        # a cutoff with 3 decimals: 60.00 < 60.005 → not advanced; 60.01 ≥ 60.005 → advanced
        [entry("E1", (30, 30), (30, 30)), entry("E2", (30, 30), (30, 30), panel="60.01")],
        ["E2,F,1,60.01,,ADVANCED;PANEL_SCORE", "E1,F,2,60.00,,"],
        id="cutoff-with-three-decimals",
    ),
    pytest.param(
        config(last=True, cutoff=60, prizes=(level("first", quota=1),)),
        # a cutoff on the last round has no next round: ignored, prizes given
        [entry("E1", (40, 40), (40, 40))],
        ["E1,F,1,80.00,first,"],
        id="last-round-cutoff-ignored",
    ),
    pytest.param(
        config(),
        [],
        [],
        id="empty-round",
    ),
]


def _rows(config, entries):
    """The engine's results-file rows, as comma-joined strings."""
    return [",".join(row) for row in results_rows(config, rank_round(config, entries))]


@pytest.mark.parametrize(("cfg", "entries", "expected"), CASES)
def test_worked_example(cfg, entries, expected):
    assert _rows(cfg, entries) == expected


@pytest.mark.parametrize(("cfg", "entries", "expected"), CASES)
def test_reference_agrees_with_worked_example(cfg, entries, expected):
    """The brute-force reference reproduces every hand computation (it is tested too)."""
    assert [",".join(row) for row in reference_rows(cfg, entries)] == expected
