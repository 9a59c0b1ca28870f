"""The pure assignment algorithm prefers experts of the entry's field among judges of equal
load, keeps its balance rule (max − min load ≤ 1 inside a panel without conflicts) and never
assigns a conflicted judge, expert or not; topics are matched normalised."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from contest.accounts.expertise import clean_topics, split_topics, topic_key, topic_keys
from contest.judging.assignment import EntrySlot, assign, loads

CNTT = topic_keys(["CNTT", "Công nghệ thông tin"])


def _slots(n: int, panel="A", topics=CNTT, start: int = 1) -> list[EntrySlot]:
    return [EntrySlot(i, panel, topics) for i in range(start, start + n)]


def test_an_expert_is_chosen_over_a_non_expert_of_equal_load():
    new, _ = assign(_slots(1), {"A": [1, 2, 3]}, [], [], 1, {3: topic_keys(["cntt"])})
    assert new == [(1, 3)]
    # Without expertise the smaller id wins.
    assert assign(_slots(1), {"A": [1, 2, 3]}, [], [], 1)[0] == [(1, 1)]


def test_experts_take_the_extra_entries_but_balance_holds():
    expertise = {
        4: topic_keys(["Công nghệ thông tin"]),
        5: topic_keys(split_topics("Tin học, CNTT")),
    }
    new, shortfalls = assign(_slots(7), {"A": [1, 2, 3, 4, 5]}, [], [], 1, expertise)
    counts = loads(new)
    assert shortfalls == []
    assert max(counts.values()) - min(counts.values()) <= 1
    assert counts[4] == 2 and counts[5] == 2  # the two extra entries go to the experts


def test_a_conflicted_expert_is_never_assigned():
    expertise = {2: CNTT}
    new, shortfalls = assign(_slots(2), {"A": [1, 2, 3]}, [], [(1, 2)], 1, expertise)
    assert (1, 2) not in new
    assert (2, 2) in new
    assert shortfalls == []


def test_expertise_of_another_field_does_not_count():
    expertise = {1: topic_keys(["Hóa học"])}
    new, _ = assign(_slots(1), {"A": [2, 1]}, [], [], 1, expertise)
    assert new == [(1, 1)]  # no expert: the smaller id, as before
    new, _ = assign(_slots(1), {"A": [1, 2]}, [], [], 1, {2: topic_keys(["Hoá học"])})
    assert new == [(1, 1)]


def test_a_judge_on_two_panels_gets_the_entries_of_their_own_field_when_loads_tie():
    chem = topic_keys(["HH", "Hóa học"])
    entries = [EntrySlot(1, "CNTT", CNTT), EntrySlot(2, "HH", chem)]
    panels = {"CNTT": [1, 9], "HH": [2, 9]}
    new, _ = assign(entries, panels, [], [], 1, {9: topic_keys(["hoa hoc"])})
    assert (2, 9) in new and (1, 1) in new


def test_topics_match_without_diacritics_case_or_spacing():
    assert topic_key("  Hoá   học ") == topic_key("HÓA HỌC") == "hoa hoc"
    assert topic_key("Điện - điện tử") == "dien dien tu"
    assert split_topics("Tin học, CNTT;\nSinh học ") == ["Tin học", "CNTT", "Sinh học"]
    assert clean_topics(["Tin học", "tin hoc", "", "  CNTT "]) == ["Tin học", "CNTT"]


@settings(max_examples=60, deadline=None)
@given(
    n_entries=st.integers(1, 25),
    n_judges=st.integers(2, 7),
    k=st.integers(1, 3),
    experts=st.sets(st.integers(1, 7)),
)
def test_balance_holds_whatever_the_experts(n_entries, n_judges, k, experts):
    judges = list(range(1, n_judges + 1))
    expertise = {j: CNTT for j in experts}
    new, shortfalls = assign(_slots(n_entries), {"A": judges}, [], [], k, expertise)
    counts = Counter({j: 0 for j in judges}) + Counter(loads(new))
    values = [counts[j] for j in judges]
    if k <= n_judges:
        assert shortfalls == []
        assert max(values) - min(values) <= 1
    # Among equal totals, experts never have fewer entries than non-experts.
    expert_loads = [counts[j] for j in judges if j in experts]
    novice_loads = [counts[j] for j in judges if j not in experts]
    if expert_loads and novice_loads and k <= n_judges:
        assert min(expert_loads) >= max(novice_loads) - 1
        assert max(expert_loads) >= max(novice_loads)
