"""Dashboard data shaping: the counts of :mod:`.queries` turned into the tables and chart
data the organizer and coordinator dashboards show. No query of its own apart from the
area names; who is counted is decided by :mod:`.access` through :mod:`.queries`.

Chart data travels to the page as JSON in a ``data-chart`` attribute (the CSP forbids inline
scripts) and ``static/js/charts.js`` draws it with Chart.js; every chart also has its numbers
in a table, so the page says the same without JavaScript.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _

from ..areas.models import Area
from ..areas.tree import siblings
from ..extensions import db
from . import queries
from .models import GENDER_LABELS, EntryStatus
from .states import status_label

GENDERS = ("M", "F", "")


@dataclass
class Row:
    """One row of a count table: a label, the counts per column and their total."""

    label: str
    cells: list[int]
    key: object = None  # the row's area id, field id … (for links and tests)
    link_area: bool = False  # the row's area has areas under it (drill down)
    short: str = ""  # a short label for narrow screens (a field's code)

    @property
    def total(self) -> int:
        """The row's total."""
        return sum(self.cells)


@dataclass
class Table:
    """A count table: column keys and labels, rows, and the column totals."""

    columns: list[tuple[Any, str]]  # a column's key (a field id, a status …) and its label
    rows: list[Row] = field(default_factory=list)

    @property
    def column_totals(self) -> list[int]:
        """The total of each column."""
        return [sum(row.cells[i] for row in self.rows) for i in range(len(self.columns))]

    @property
    def total(self) -> int:
        """The grand total."""
        return sum(row.total for row in self.rows)


def default_parent_area(user_area_id: int | None = None) -> int | None:
    """Where the area × field table starts: the given area, else the only province (its
    districts become the rows), else None (the provinces are the rows)."""
    if user_area_id is not None:
        return user_area_id
    roots = siblings(None)
    return roots[0].id if len(roots) == 1 else None


# Above this many areas under the parent, the areas without entries are left out.
MANY_AREAS = 30


def area_field_table(user, edition, parent_area_id: int | None) -> Table:
    """Entries per area (the areas directly under ``parent_area_id``) × field; entries of
    the parent area itself and entries with no known area get a row of their own when any.
    Under more than ``MANY_AREAS`` areas (a province's communes) only rows with entries."""
    counts = queries.counts_by_area_and_field(user, edition.id, parent_area_id)
    table = Table([(f.id, f.code) for f in edition.fields])
    children = siblings(parent_area_id)
    has_children = {
        parent_id
        for (parent_id,) in db.session.execute(
            db.select(Area.parent_id).where(Area.parent_id.in_([a.id for a in children]))
        )
    }

    def cells(key) -> list[int]:
        """The counts of one row, in column order."""
        return [counts.get((key, fid), 0) for fid, _code in table.columns]

    many = len(children) > MANY_AREAS  # a province of the 2025 map: 100+ communes
    for area in children:
        if many and not any(cells(area.id)):
            continue
        table.rows.append(Row(area.name, cells(area.id), area.id, area.id in has_children))
    if parent_area_id is not None and any(cells(parent_area_id)):
        parent = db.session.get_one(Area, parent_area_id)  # its entries were just counted
        table.rows.append(
            Row(_("%(name)s (trực tiếp)", name=parent.name), cells(parent_area_id), parent_area_id)
        )
    if any(cells(None)):
        table.rows.append(Row(_("Nơi khác hoặc chưa rõ địa bàn"), cells(None), None))
    return table


def status_rows(user, edition, area_id: int | None = None) -> list[tuple[str, str, int]]:
    """``(status, label, n)`` for every status, in the order of the workflow."""
    counts = queries.counts_by_status(user, edition.id, area_id)
    return [(s.value, status_label(s.value), counts.get(s.value, 0)) for s in EntryStatus]


def field_status_table(user, edition, area_id: int | None = None) -> Table:
    """Entries per field × status (the coordinator's dashboard)."""
    counts = queries.counts_by_field_and_status(user, edition.id, area_id)
    table = Table([(s.value, status_label(s.value)) for s in EntryStatus])
    for f in edition.fields:
        cells = [counts.get((f.id, s), 0) for s, _label in table.columns]
        table.rows.append(Row(f.name, cells, f.id, short=f.code))
    return table


@dataclass
class Series:
    """Submissions per day, every day from the first to the last, and the running total."""

    days: list[date]
    daily: list[int]
    cumulative: list[int]


def submissions_series(user, edition) -> Series:
    """The submissions of ``edition`` per local day, gaps filled with zeros."""
    per_day = dict(queries.submissions_per_day(user, edition.id))
    if not per_day:
        return Series([], [], [])
    first, last = min(per_day), max(per_day)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    daily = [per_day.get(d, 0) for d in days]
    running, cumulative = 0, []
    for n in daily:
        running += n
        cumulative.append(running)
    return Series(days, daily, cumulative)


def submissions_chart(series: Series) -> str:
    """Chart data (JSON) of the submissions: bars per day, a line for the running total."""
    return json.dumps(
        {
            "type": "bar",
            "labels": [d.strftime("%d/%m") for d in series.days],
            "datasets": [
                {"label": _("Hồ sơ nộp trong ngày"), "data": series.daily, "kind": "bar"},
                {
                    "label": _("Tổng số đã nộp"),
                    "data": series.cumulative,
                    "kind": "line",
                    "axis": "right",
                },
            ],
        },
        ensure_ascii=False,
    )


def author_table(user, edition) -> Table:
    """Authors per age group × gender (Nam, Nữ, not given)."""
    stats = queries.authors_by_gender_and_age(user, edition)
    table = Table([(g, str(GENDER_LABELS[g])) for g in GENDERS])
    for group in stats.groups:
        table.rows.append(Row(group, [stats.counts.get((g, group), 0) for g in GENDERS], group))
    return table


def author_chart(table: Table) -> str:
    """Chart data (JSON) of the authors: stacked bars per age group, one colour per gender."""
    return json.dumps(
        {
            "type": "bar",
            "stacked": True,
            "labels": [row.label for row in table.rows],
            "datasets": [
                {"label": label, "data": [row.cells[i] for row in table.rows], "kind": "bar"}
                for i, (_key, label) in enumerate(table.columns)
            ],
        },
        ensure_ascii=False,
    )


def status_chart(rows: list[tuple[str, str, int]]) -> str:
    """Chart data (JSON) of the statuses: one horizontal bar each."""
    return json.dumps(
        {
            "type": "bar",
            "horizontal": True,
            "labels": [label for _s, label, _n in rows],
            "datasets": [
                {"label": _("Số hồ sơ"), "data": [n for _s, _l, n in rows], "kind": "bar"}
            ],
        },
        ensure_ascii=False,
    )
