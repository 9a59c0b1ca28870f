"""The pure assignment algorithm: table cases and property tests on random instances."""

from __future__ import annotations

import random
from collections import Counter, defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from contest.judging.assignment import EntrySlot, ShortfallReason, assign, loads


def _slots(spec: dict[str, int], start: int = 1) -> list[EntrySlot]:
    """``{"A": 3}`` → three entries of panel A."""
    out, n = [], start
    for panel, count in spec.items():
        for _ in range(count):
            out.append(EntrySlot(n, panel))
            n += 1
    return out


def _by_entry(pairs):
    out = defaultdict(set)
    for e, j in pairs:
        out[e].add(j)
    return out


# --- Table cases -------------------------------------------------------------------------------


def test_every_entry_gets_k_judges_and_loads_are_balanced():
    entries = _slots({"A": 7})
    new, shortfalls = assign(entries, {"A": [1, 2, 3]}, [], [], 2)
    assert shortfalls == []
    assert all(len(js) == 2 for js in _by_entry(new).values())
    assert len(_by_entry(new)) == 7
    counts = loads(new)
    assert max(counts.values()) - min(counts.values()) <= 1
    assert sum(counts.values()) == 14


def test_existing_assignments_are_kept_and_counted():
    entries = _slots({"A": 4})
    existing = [(1, 1), (2, 1)]
    new, shortfalls = assign(entries, {"A": [1, 2, 3]}, existing, [], 2)
    assert shortfalls == []
    assert not set(existing) & set(new)
    total = Counter(j for _e, j in [*existing, *new])
    assert sorted(total.values()) == [2, 3, 3]
    assert all(len(js) == 2 for js in _by_entry([*existing, *new]).values())


def test_conflicted_judge_is_never_assigned_and_shortfall_names_them():
    entries = _slots({"A": 2})
    conflicts = [(1, 1), (1, 2)]
    new, shortfalls = assign(entries, {"A": [1, 2, 3]}, [], conflicts, 2)
    assert not set(conflicts) & set(new)
    assert _by_entry(new)[1] == {3}
    assert len(shortfalls) == 1
    s = shortfalls[0]
    assert (s.entry_id, s.reason, s.missing, s.conflicted) == (
        1,
        ShortfallReason.CONFLICTS,
        1,
        (1, 2),
    )


def test_missing_panel_and_small_panel_are_reported():
    entries = [EntrySlot(1, "A"), EntrySlot(2, "B"), EntrySlot(3, "C")]
    new, shortfalls = assign(entries, {"A": [1], "C": []}, [], [], 2)
    assert new == [(1, 1)]
    reasons = {s.entry_id: (s.reason, s.missing) for s in shortfalls}
    assert reasons == {
        1: (ShortfallReason.PANEL_TOO_SMALL, 1),
        2: (ShortfallReason.NO_PANEL, 2),
        3: (ShortfallReason.NO_PANEL, 2),
    }


def test_entries_already_covered_get_nothing_new():
    entries = _slots({"A": 1})
    new, shortfalls = assign(entries, {"A": [1, 2, 3]}, [(1, 2), (1, 3)], [], 2)
    assert new == [] and shortfalls == []


def test_repair_pass_rebalances_when_conflicts_skew_the_greedy_order():
    # Entry 1 can only go to judge 1; the greedy pass would otherwise pile work on judge 1.
    entries = _slots({"A": 6})
    conflicts = [(1, 2), (1, 3)]
    new, _ = assign(entries, {"A": [1, 2, 3]}, [], conflicts, 1)
    counts = loads(new)
    assert counts[1] >= 1 and max(counts.values()) - min(counts.values()) <= 1


# --- Property tests ---------------------------------------------------------------------------


@st.composite
def instances(draw, overlap: bool = False):
    """A random round: panels (disjoint unless ``overlap``: a judge may sit on several),
    entries, conflicts, existing assignments."""
    n_panels = draw(st.integers(1, 3))
    judge_id = 100
    panels = {}
    for p in range(n_panels):
        size = draw(st.integers(0, 6))
        panels[f"P{p}"] = list(range(judge_id, judge_id + size))
        judge_id += size
        if overlap and p > 0 and panels["P0"]:
            shared = draw(st.lists(st.sampled_from(panels["P0"]), unique=True, max_size=3))
            panels[f"P{p}"] += shared
    panel_keys = [*panels, "MISSING"] if draw(st.booleans()) else list(panels)
    n_entries = draw(st.integers(0, 25))
    entries = [EntrySlot(i + 1, draw(st.sampled_from(panel_keys))) for i in range(n_entries)]
    all_pairs = [(e.entry_id, j) for e in entries for j in panels.get(e.panel, [])]
    conflicts = draw(st.lists(st.sampled_from(all_pairs), unique=True)) if all_pairs else []
    k = draw(st.integers(1, 4))
    allowed = [p for p in all_pairs if p not in set(conflicts)]
    existing = draw(st.lists(st.sampled_from(allowed), unique=True, max_size=8)) if allowed else []
    return entries, panels, existing, conflicts, k


@settings(max_examples=300, deadline=None)
@given(instances(overlap=True))
def test_properties_coverage_conflicts_existing(instance):
    entries, panels, existing, conflicts, k = instance
    new, shortfalls = assign(entries, panels, existing, conflicts, k)
    conflict_set = set(conflicts)
    # Never a conflicted pair, never a duplicate of an existing one, only panel judges.
    assert not conflict_set & set(new)
    assert not set(existing) & set(new)
    panel_of = {e.entry_id: e.panel for e in entries}
    for e, j in new:
        assert j in panels.get(panel_of[e], [])
    # Coverage whenever feasible; otherwise a shortfall with the exact number missing.
    judges_of = _by_entry([*existing, *new])
    short = {s.entry_id: s for s in shortfalls}
    for slot in entries:
        have = judges_of[slot.entry_id]
        eligible = {
            j for j in panels.get(slot.panel, []) if (slot.entry_id, j) not in conflict_set
        } | have
        if len(eligible) >= k:
            assert len(have) >= k and slot.entry_id not in short
        else:
            assert have == eligible
            assert short[slot.entry_id].missing == k - len(have)


@settings(max_examples=300, deadline=None)
@given(instances())
def test_properties_balance_without_conflicts(instance):
    entries, panels, _existing, _conflicts, k = instance
    new, _ = assign(entries, panels, [], [], k)
    counts = loads(new)
    for judges in panels.values():
        panel_loads = [counts.get(j, 0) for j in judges]
        if panel_loads:
            assert max(panel_loads) - min(panel_loads) <= 1


@settings(max_examples=300, deadline=None)
@given(instances(overlap=True))
def test_properties_no_improving_move_remains(instance):
    """With conflicts, balance is as good as single moves of new assignments allow."""
    entries, panels, existing, conflicts, k = instance
    new, _ = assign(entries, panels, existing, conflicts, k)
    counts = Counter(j for _e, j in [*existing, *new])
    judges_of = _by_entry([*existing, *new])
    conflict_set = set(conflicts)
    for key, judges in panels.items():
        for e, heavy in new:
            if next(s.panel for s in entries if s.entry_id == e) != key:
                continue
            for light in judges:
                movable = light not in judges_of[e] and (e, light) not in conflict_set
                assert not (movable and counts[heavy] - counts[light] >= 2)


@settings(max_examples=150, deadline=None)
@given(instances(overlap=True), st.randoms(use_true_random=False))
def test_properties_deterministic_whatever_the_input_order(instance, rnd: random.Random):
    entries, panels, existing, conflicts, k = instance
    first = assign(entries, panels, existing, conflicts, k)
    shuffled_panels = {}
    for key in rnd.sample(list(panels), len(panels)):
        shuffled_panels[key] = rnd.sample(panels[key], len(panels[key]))
    second = assign(
        rnd.sample(entries, len(entries)),
        shuffled_panels,
        rnd.sample(existing, len(existing)),
        rnd.sample(conflicts, len(conflicts)),
        k,
    )
    assert first == second


def test_repair_reaches_a_fixpoint_when_judges_sit_on_two_panels():
    """Found by hypothesis: repairing the second panel unbalanced the first one again."""
    entries = [EntrySlot(i, "P0") for i in range(1, 10)] + [EntrySlot(10, "P1")]
    panels = {"P0": [100, 101, 102, 103, 104, 105], "P1": [106, 107, 100, 101], "P2": []}
    new, shortfalls = assign(entries, panels, [(1, 100)], [], 2)
    counts = Counter(j for _e, j in [(1, 100), *new])
    assert shortfalls == []
    assert max(counts[j] for j in panels["P0"]) - min(counts[j] for j in panels["P0"]) <= 1
