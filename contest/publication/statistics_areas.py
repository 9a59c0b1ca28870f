"""Areas for the statistics: an entry counts for its district (huyện) — the area itself when
it is a district, its district ancestor for a commune; an area above district level (the
province) is a row of its own; no area is "Chưa rõ địa bàn". See :mod:`.statistics`."""

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


def area_rows(keys) -> list[tuple[object, str]]:
    """``(key, label)`` for the area rows, districts first in tree order; with a single
    province every district of it is listed. ``None`` (no area) comes last."""
    known = {k for k in keys if k is not None}
    roots = db.session.scalars(select(Area.id).where(Area.parent_id.is_(None))).all()
    stmt = select(Area)
    if len(roots) == 1:
        stmt = stmt.where(
            or_(Area.id.in_(known), and_(Area.parent_id == roots[0], Area.level == "district"))
        )
    else:
        stmt = stmt.where(Area.id.in_(known))
    areas = db.session.scalars(
        stmt.order_by(case((Area.level == "district", 0), else_=1), Area.position, Area.name)
    ).all()
    rows = []
    for area in areas:
        label = area.name
        if area.level == "province":
            label = _("%(name)s (cấp tỉnh)", name=area.name)
        rows.append((area.id, label))
    if None in keys:
        rows.append((None, _("Chưa rõ địa bàn")))
    return rows
