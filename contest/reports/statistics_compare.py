"""Participation compared with the previous edition: which edition is the previous one (the
predecessor), and entries submitted with their authors per area and per field (fields
matched by code), with the difference and the % change. See :mod:`.statistics`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import distinct, func, select

from ..contests.models import Edition, EditionField
from ..entries.models import Author, Entry
from ..entries.queries import COUNTED
from ..extensions import db
from .statistics_areas import area_key, area_rows, district_of


@dataclass
class Change:
    """A count in the previous and in this edition."""

    previous: int
    current: int

    @property
    def difference(self) -> int:
        """This count minus the previous one."""
        return self.current - self.previous

    @property
    def percent(self) -> float | None:
        """The change in %, rounded to 1 decimal; None when the previous count is 0."""
        if not self.previous:
            return None
        return round(100.0 * (self.current - self.previous) / self.previous, 1)


@dataclass
class ComparisonRow:
    """One area or field: its entries and their authors, previous → this edition."""

    key: object
    label: str
    entries: Change
    authors: Change


@dataclass
class Comparison:
    """Participation compared with ``previous`` (entries submitted and their authors)."""

    previous: Edition
    total: ComparisonRow
    by_area: list[ComparisonRow]
    by_field: list[ComparisonRow]


def previous_edition(edition: Edition) -> Edition | None:
    """The edition ``edition`` is compared with: its predecessor — the edition it was cloned
    from, or the one an organizer chose — and never just any earlier edition of the same
    kind (an unrelated test edition would make the comparison meaningless)."""
    if edition.predecessor_id is None:
        return None
    return db.session.get(Edition, edition.predecessor_id)


def _participation(edition: Edition, by: str) -> dict[object, tuple[int, int]]:
    """``{key: (entries submitted, their authors)}`` per area key or field code."""
    entries = (
        select(Entry.id.label("entry_id"), Entry.area_id, Entry.field_id)
        .where(Entry.edition_id == edition.id, Entry.status.in_(COUNTED))
        .subquery("entries_in")
    )
    if by == "area":
        tree = district_of()
        inner = select(
            area_key(entries.c.area_id, tree).label("k"), entries.c.entry_id
        ).select_from(entries.outerjoin(tree, tree.c.area_id == entries.c.area_id))
    else:
        inner = select(EditionField.code.label("k"), entries.c.entry_id).select_from(
            entries.join(EditionField, EditionField.id == entries.c.field_id)
        )
    keyed = inner.subquery("keyed")
    stmt = (
        select(keyed.c.k, func.count(distinct(keyed.c.entry_id)), func.count(Author.id))
        .select_from(keyed)
        .outerjoin(Author, Author.entry_id == keyed.c.entry_id)
        .group_by(keyed.c.k)
    )
    return {k: (int(n), int(a)) for k, n, a in db.session.execute(stmt)}


def _compare_rows(
    now: dict, before: dict, labelled: Sequence[tuple[object, str]]
) -> list[ComparisonRow]:
    rows = []
    for key, label in labelled:
        cur, prev = now.get(key, (0, 0)), before.get(key, (0, 0))
        rows.append(ComparisonRow(key, label, Change(prev[0], cur[0]), Change(prev[1], cur[1])))
    return rows


def compare(edition: Edition, previous: Edition) -> Comparison:
    """Entries submitted and their authors per area and per field, ``previous`` → ``edition``."""
    areas_now, areas_before = _participation(edition, "area"), _participation(previous, "area")
    fields_now, fields_before = _participation(edition, "field"), _participation(previous, "field")
    area_labels = area_rows(set(areas_now) | set(areas_before))
    field_labels = [(f.code, f.name) for f in edition.fields]
    field_labels += [
        (f.code, _("%(name)s (chỉ có ở lần trước)", name=f.name))
        for f in previous.fields
        if f.code not in {c for c, _n in field_labels}
    ]
    total_now = tuple(map(sum, zip(*areas_now.values(), strict=False))) or (0, 0)
    total_before = tuple(map(sum, zip(*areas_before.values(), strict=False))) or (0, 0)
    total = ComparisonRow(
        None,
        _("Tổng cộng"),
        Change(total_before[0], total_now[0]),
        Change(total_before[1], total_now[1]),
    )
    return Comparison(
        previous,
        total,
        _compare_rows(areas_now, areas_before, area_labels),
        _compare_rows(fields_now, fields_before, field_labels),
    )
