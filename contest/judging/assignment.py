"""Automatic assignment of judges to entries (RULES.md §4) — a pure algorithm, no Flask and no
database; :mod:`.assigning` applies it to a round.

:func:`assign` gives every entry ``judges_per_entry`` judges from its panel:

1. Existing assignments are kept and count: towards the entry's judges and towards each
   judge's load (the number of entries the judge has in the round, all panels together).
2. A conflicted pair (judge, entry) is never produced.
3. Entries are served most constrained first (fewest eligible judges, then entry id); each
   takes the eligible judges with the smallest load; among equal loads an expert of the
   entry's field comes first (a judge whose expertise shares a topic with the entry slot's
   ``topics``), then the smaller judge id. With no conflicts and no earlier assignments this
   keeps max − min load ≤ 1 inside a panel (loads are L or L+1 before an entry; it raises the
   Ls first): expertise decides who is chosen, never how many entries a judge gets beyond
   that balance.
4. A repair pass then moves new assignments from a judge to a less loaded judge of the same
   panel while the loads differ by 2 or more and some move is allowed by the conflicts,
   over all panels until none has a move left (a judge may sit on several panels; each move
   lowers the sum of squared loads, so it ends). Afterwards no such move remains. Among
   equal loads it takes from a non-expert first and gives to an expert first.
5. An entry that cannot get enough judges gets what it can and a :class:`Shortfall`: no
   panel for its field, a panel smaller than ``judges_per_entry``, or conflicts (naming the
   conflicted judges).

The result depends only on the inputs, never on their order.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Pair = tuple[int, int]  # (entry id, judge id)


class ShortfallReason(enum.StrEnum):
    """Why an entry still lacks judges."""

    NO_PANEL = "no_panel"
    PANEL_TOO_SMALL = "panel_too_small"
    CONFLICTS = "conflicts"


@dataclass(frozen=True)
class EntrySlot:
    """An entry to judge: its id, the key of its panel (the field) and the topics an expert of
    it names (its field's code and name, normalised by the caller)."""

    entry_id: int
    panel: Hashable
    topics: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Shortfall:
    """An entry with ``missing`` judges too few; ``conflicted``: the panel judges excluded by
    a conflict (sorted ids)."""

    entry_id: int
    reason: ShortfallReason
    missing: int
    conflicted: tuple[int, ...] = ()


def assign(
    entries: Iterable[EntrySlot],
    judges_by_panel: Mapping[Any, Sequence[int]],  # keyed by panel (any hashable key)
    existing: Iterable[Pair],
    conflicts: Iterable[Pair],
    judges_per_entry: int,
    expertise: Mapping[int, Iterable[str]] | None = None,
) -> tuple[list[Pair], list[Shortfall]]:
    """New ``(entry id, judge id)`` pairs (sorted) and the shortfalls (by entry id); see the
    module docstring. ``expertise``: ``{judge id: normalised topics}``."""
    entries = sorted(set(entries), key=lambda e: e.entry_id)
    known = {j: frozenset(t) for j, t in (expertise or {}).items()}

    def novice(judge_id: int, slot: EntrySlot) -> int:
        """0 when the judge is an expert of the slot's field, else 1 (sorts experts first)."""
        return 0 if known.get(judge_id, frozenset()) & slot.topics else 1

    panels = {key: sorted(set(judges)) for key, judges in judges_by_panel.items()}
    existing = set(existing)
    conflicts = set(conflicts)
    load: dict[int, int] = defaultdict(int)
    judges_of: dict[int, set[int]] = defaultdict(set)
    for entry_id, judge_id in existing:
        load[judge_id] += 1
        judges_of[entry_id].add(judge_id)

    def eligible(slot: EntrySlot) -> list[int]:
        """Panel judges not yet on the entry and not conflicted, by id."""
        return [
            j
            for j in panels.get(slot.panel, ())
            if j not in judges_of[slot.entry_id] and (slot.entry_id, j) not in conflicts
        ]

    order = sorted(entries, key=lambda s: (len(eligible(s)), s.entry_id))
    new: set[Pair] = set()
    shortfalls = []
    for slot in order:
        need = judges_per_entry - len(judges_of[slot.entry_id])
        if need <= 0:
            continue
        candidates = sorted(eligible(slot), key=lambda j: (load[j], novice(j, slot), j))
        for judge_id in candidates[:need]:
            new.add((slot.entry_id, judge_id))
            judges_of[slot.entry_id].add(judge_id)
            load[judge_id] += 1
        if len(candidates) < need:
            shortfalls.append(_shortfall(slot, panels, conflicts, need - len(candidates)))
    _repair(entries, panels, new, conflicts, load, judges_of, novice)
    return sorted(new), sorted(shortfalls, key=lambda s: s.entry_id)


def _shortfall(
    slot: EntrySlot, panels: Mapping[Any, list[int]], conflicts: set[Pair], missing: int
) -> Shortfall:
    """Why ``slot`` lacks ``missing`` judges."""
    if not panels.get(slot.panel):
        return Shortfall(slot.entry_id, ShortfallReason.NO_PANEL, missing)
    conflicted = tuple(j for j in panels[slot.panel] if (slot.entry_id, j) in conflicts)
    if conflicted:
        return Shortfall(slot.entry_id, ShortfallReason.CONFLICTS, missing, conflicted)
    return Shortfall(slot.entry_id, ShortfallReason.PANEL_TOO_SMALL, missing)


def _repair(
    entries: Iterable[EntrySlot],
    panels: Mapping[Any, list[int]],
    new: set[Pair],
    conflicts: set[Pair],
    load: dict[int, int],
    judges_of: dict[int, set[int]],
    novice: Callable[[int, EntrySlot], int],
) -> None:
    """Move new assignments from heavy to light judges of a panel (module docstring, 4)."""
    entries_by_panel: dict[Hashable, list[EntrySlot]] = defaultdict(list)
    for slot in entries:
        entries_by_panel[slot.panel].append(slot)
    ordered = sorted(panels.items(), key=lambda item: repr(item[0]))
    moved = True
    while moved:  # until no panel has a move: a judge may sit on several panels
        moved = False
        for key, judges in ordered:
            panel_entries = entries_by_panel.get(key, [])
            while _move_one(judges, panel_entries, new, conflicts, load, judges_of, novice):
                moved = True


def _move_one(
    judges: list[int],
    panel_entries: list[EntrySlot],
    new: set[Pair],
    conflicts: set[Pair],
    load: dict[int, int],
    judges_of: dict[int, set[int]],
    novice: Callable[[int, EntrySlot], int],
) -> bool:
    """Make one improving move inside a panel; False when none is possible."""
    slot = panel_entries[0] if panel_entries else EntrySlot(0, None)
    by_load = sorted(judges, key=lambda j: (load[j], novice(j, slot), j))
    for heavy in sorted(judges, key=lambda j: (-load[j], -novice(j, slot), -j)):
        for light in by_load:
            if load[heavy] - load[light] < 2:
                break
            for entry_id in (s.entry_id for s in panel_entries):
                if (
                    (entry_id, heavy) in new
                    and light not in judges_of[entry_id]
                    and (entry_id, light) not in conflicts
                ):
                    new.discard((entry_id, heavy))
                    new.add((entry_id, light))
                    judges_of[entry_id].discard(heavy)
                    judges_of[entry_id].add(light)
                    load[heavy] -= 1
                    load[light] += 1
                    return True
    return False


def loads(pairs: Iterable[Pair]) -> dict[int, int]:
    """``{judge id: number of entries}`` of ``pairs``."""
    out: dict[int, int] = defaultdict(int)
    for _entry_id, judge_id in pairs:
        out[judge_id] += 1
    return dict(out)
