"""Editions keep the area names they ran with (RULES §7).

An entry's ``area_snapshot`` and ``district_snapshot`` hold the names its area and that area's
district had when the edition ran; while they are "" the entry follows the tree. They are
written:

* by migration 0020 for every entry that existed before the 2025 map (the former districts);
* by :func:`freeze_entries_under` before the tree changes (a rename, a merge, …) for the
  entries of every edition whose submission deadline has passed, so that old results and
  statistics never change with the tree, while an open edition follows it.

Readers: :attr:`contest.entries.models.Entry.area_label` and the statistics' area rows
(:mod:`contest.reports.statistics_areas`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..contests.models import Edition
from ..entries.models import Entry
from ..extensions import db
from ..timeutil import utcnow
from .models import Area, AreaLevel
from .tree import descendant_ids


def names_for(area_ids: set[int]) -> dict[int, tuple[str, str]]:
    """``{area_id: (name, district name or "")}`` for ``area_ids``: the district is the area
    itself when it is one, else its nearest district ancestor."""
    if not area_ids:
        return {}
    areas: dict[int | None, Area] = {a.id: a for a in db.session.scalars(select(Area))}
    out: dict[int, tuple[str, str]] = {}
    for area_id in area_ids:
        area = areas.get(area_id)
        if area is None:
            continue
        node: Area | None = area
        district, hops = "", 0
        while node is not None and hops < 10:
            if node.level == AreaLevel.DISTRICT.value:
                district = node.name
                break
            node, hops = areas.get(node.parent_id), hops + 1
        out[area_id] = (area.name, district)
    return out


def freeze_entries_under(area_id: int, now: datetime | None = None) -> int:
    """Write the current names on the entries of ``area_id`` and every area under it, in the
    editions whose submission deadline has passed, that have none yet; flush, no commit.
    Returns how many entries got them. Call it *before* changing the tree."""
    now = now or utcnow()
    ids = descendant_ids(area_id)
    closed = select(Edition.id).where(Edition.submission_deadline <= now)
    entries = db.session.scalars(
        select(Entry).where(
            Entry.area_id.in_(ids), Entry.area_snapshot == "", Entry.edition_id.in_(closed)
        )
    ).all()
    # Every entry found has an area: it was picked by its area's subtree.
    names = names_for({e.area_id for e in entries if e.area_id is not None})
    for entry in entries:
        assert entry.area_id is not None
        entry.area_snapshot, entry.district_snapshot = names[entry.area_id]
    if entries:
        db.session.flush()
    return len(entries)
