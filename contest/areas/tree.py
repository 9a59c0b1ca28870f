"""Reading the area tree: the whole tree in memory, choices for selects, sub-trees, paths.

Every function here reads only; the changes are in :mod:`contest.areas.operations`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Select, func, literal, select

from ..extensions import db
from .models import Area, Unit


@dataclass
class AreaNode:
    """One area in a tree built in memory (one query for areas, one for unit counts)."""

    area: Area
    depth: int
    unit_count: int = 0
    children: list[AreaNode] = field(default_factory=list)

    def walk(self) -> Iterable[AreaNode]:
        """This node and every node below it, depth first, in display order."""
        yield self
        for child in self.children:
            yield from child.walk()


def area_tree(with_unit_counts: bool = True) -> list[AreaNode]:
    """The whole tree as root nodes (provinces), siblings ordered by position then name."""
    areas = db.session.execute(select(Area).order_by(Area.position, Area.name, Area.id)).scalars()
    counts: dict[int, int] = {}
    if with_unit_counts:
        counts = dict(
            db.session.execute(
                select(Unit.area_id, func.count(Unit.id)).group_by(Unit.area_id)
            ).all()
        )
    by_parent: dict[int | None, list[Area]] = {}
    for area in areas:
        by_parent.setdefault(area.parent_id, []).append(area)

    def build(parent_id: int | None, depth: int) -> list[AreaNode]:
        return [
            AreaNode(a, depth, counts.get(a.id, 0), build(a.id, depth + 1))
            for a in by_parent.get(parent_id, [])
        ]

    return build(None, 0)


def area_choices(levels: Iterable[str] | None = None) -> list[tuple[int, str]]:
    """``(id, label)`` pairs for a select, in tree order, each name indented by its depth.

    ``levels`` keeps only areas of those levels (e.g. districts and communes).
    """
    wanted = {str(level) for level in levels} if levels is not None else None
    choices = []
    for root in area_tree(with_unit_counts=False):
        for node in root.walk():
            if wanted is None or node.area.level in wanted:
                choices.append((node.area.id, "— " * node.depth + node.area.name))
    return choices


def subtree_select(area_id: int, name: str = "subtree") -> Select[tuple[int]]:
    """``SELECT id`` of ``area_id`` and every area under it: one recursive CTE called
    ``name``, to use inside another statement (two in one statement need two names)."""
    tree = select(Area.id).where(Area.id == area_id).cte(name, recursive=True)
    tree = tree.union_all(select(Area.id).where(Area.parent_id == tree.c.id))
    return select(tree.c.id)


def descendant_ids(area_id: int) -> set[int]:
    """``area_id`` and the ids of every area under it, in one recursive query."""
    return set(db.session.scalars(subtree_select(area_id)))


def ancestor_ids(area_id: int) -> list[int]:
    """The ids of the areas above ``area_id``, nearest first (its district, then province)."""
    up = (
        select(Area.id, Area.parent_id, literal(0).label("depth"))
        .where(Area.id == area_id)
        .cte("ancestors", recursive=True)
    )
    up = up.union_all(
        select(Area.id, Area.parent_id, up.c.depth + 1).where(Area.id == up.c.parent_id)
    )
    rows = db.session.execute(select(up.c.id).where(up.c.depth > 0).order_by(up.c.depth))
    return list(rows.scalars())


@dataclass
class ChildRow:
    """A direct child of an area with how many units and sub-areas it has."""

    area: Area
    unit_count: int
    child_count: int


def children_with_counts(area: Area) -> list[ChildRow]:
    """The direct children of ``area`` in display order, with their unit and sub-area counts
    (three queries whatever the number of children)."""
    return rows_with_counts(siblings(area.id))


def rows_with_counts(areas: list[Area]) -> list[ChildRow]:
    """``areas`` in the given order, each with its unit and sub-area counts (two queries)."""
    ids = [a.id for a in areas]
    if not ids:
        return []
    units = dict(
        db.session.execute(
            select(Unit.area_id, func.count(Unit.id))
            .where(Unit.area_id.in_(ids))
            .group_by(Unit.area_id)
        ).all()
    )
    subs = dict(
        db.session.execute(
            select(Area.parent_id, func.count(Area.id))
            .where(Area.parent_id.in_(ids))
            .group_by(Area.parent_id)
        ).all()
    )
    return [ChildRow(a, units.get(a.id, 0), subs.get(a.id, 0)) for a in areas]


def path_of(area: Area) -> list[Area]:
    """The areas from the root down to ``area`` (for breadcrumbs)."""
    path = [area]
    while path[0].parent is not None and len(path) < 10:
        path.insert(0, path[0].parent)
    return path


def units_under(area_id: int) -> list[Unit]:
    """The units of ``area_id`` and of every area under it, by area then name."""
    ids = descendant_ids(area_id)
    return list(
        db.session.execute(
            select(Unit).join(Unit.area).where(Unit.area_id.in_(ids)).order_by(Area.name, Unit.name)
        ).scalars()
    )


def find_area(name: str, parent: Area | None = None) -> Area | None:
    """The area named ``name`` directly under ``parent`` (a root when ``parent`` is None)."""
    stmt = select(Area).where(Area.name == name)
    if parent is None:
        stmt = stmt.where(Area.parent_id.is_(None))
    else:
        stmt = stmt.where(Area.parent_id == parent.id)
    return db.session.execute(stmt.order_by(Area.id)).scalars().first()


def siblings(parent_id: int | None) -> list[Area]:
    """The areas directly under ``parent_id`` (the roots when None), in display order."""
    stmt = select(Area).order_by(Area.position, Area.name, Area.id)
    if parent_id is None:
        stmt = stmt.where(Area.parent_id.is_(None))
    else:
        stmt = stmt.where(Area.parent_id == parent_id)
    return list(db.session.execute(stmt).scalars())
