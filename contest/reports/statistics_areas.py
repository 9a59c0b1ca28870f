"""Areas for the statistics: an entry counts for its district (huyện) — the area itself when
it is a district, its district ancestor for a commune; an area above district level (the
province) is a row of its own; no area is "Chưa rõ địa bàn". Since 1 July 2025 there are no
districts: a commune directly under its province is its own row. Rows are labelled with the
names the edition ran with when its entries keep them. See :mod:`.statistics`."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from ..areas.models import Area
from ..extensions import db


def district_of():
    """A recursive CTE ``(district_id, area_id)``: every district and every area under it."""
    anchor = select(Area.id.label("district_id"), Area.id.label("area_id")).where(
        Area.level == "district"
    )
    tree = anchor.cte("district_of", recursive=True)
    return tree.union_all(
        select(tree.c.district_id, Area.id).where(Area.parent_id == tree.c.area_id)
    )


def area_key(area_id_column, tree) -> ColumnElement:
    """The row key of an entry's area: its district, else the area itself, else NULL."""
    return func.coalesce(tree.c.district_id, area_id_column)


def snapshot_names(facts, tree) -> dict[object, str]:
    """``{key: name}`` for the rows whose entries keep the names their edition ran with
    (:mod:`contest.areas.snapshots`): the district's, else the area's."""
    from ..entries.models import Entry

    key = area_key(Entry.area_id, tree)
    stmt = (
        select(key, Entry.district_snapshot, Entry.area_snapshot)
        .select_from(facts)
        .join(Entry, Entry.id == facts.c.entry_id)
        .outerjoin(tree, tree.c.area_id == Entry.area_id)
        .where(Entry.area_snapshot != "")
        .distinct()
    )
    return {k: district or area for k, district, area in db.session.execute(stmt)}


def area_rows(keys, names: dict | None = None) -> list[tuple[object, str]]:
    """``(key, label)`` for the area rows, districts first in tree order; with a single
    province that ran with districts every district of it is listed (a 2025-map edition,
    communes under the province, lists only its rows). ``names`` (from
    :func:`snapshot_names`) replaces the tree's names. ``None`` (no area) comes last."""
    names = names or {}
    known = {k for k in keys if k is not None}
    roots = db.session.scalars(select(Area.id).where(Area.parent_id.is_(None))).all()
    stmt = select(Area)
    with_districts = bool(known) and bool(
        db.session.scalar(
            select(func.count(Area.id)).where(Area.id.in_(known), Area.level == "district")
        )
    )
    if len(roots) == 1 and (with_districts or not known):
        stmt = stmt.where(
            or_(Area.id.in_(known), and_(Area.parent_id == roots[0], Area.level == "district"))
        )
    else:
        stmt = stmt.where(Area.id.in_(known))
    areas = db.session.scalars(
        stmt.order_by(case((Area.level == "district", 0), else_=1), Area.position, Area.name)
    ).all()
    rows: list[tuple[object, str]] = []
    for area in areas:
        label = names.get(area.id) or area.name
        if area.level == "province":
            label = _("%(name)s (cấp tỉnh)", name=label)
        rows.append((area.id, label))
    if None in keys:
        rows.append((None, _("Chưa rõ địa bàn")))
    return rows
