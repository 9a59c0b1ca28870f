"""Every score sheet of a round to XLSX (issue 5, point 9): one row per sheet, one column per
criterion, Vietnamese headers. For organizers: judges are named, authors are not listed."""

from __future__ import annotations

from typing import IO

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import display
from ..contests.models import Edition, Round
from ..entries.models import Entry
from ..extensions import db
from ..tabular import write_xlsx
from ..timeutil import format_local
from .models import ScoreSheet, SheetSource, SheetStatus


def export_filename(edition: Edition, round_: Round) -> str:
    """The download name of the export (ASCII: slug and round code)."""
    return f"phieu-cham-{edition.slug}-{round_.code}.xlsx"


def _source_label(source: str) -> str:
    """How the sheet arrived, in words."""
    return {
        SheetSource.WEB.value: _("Trực tuyến"),
        SheetSource.IMPORT.value: _("Nhập từ tệp"),
        SheetSource.PAPER.value: _("Phiếu giấy"),
    }.get(source, source)


def header(edition: Edition) -> list[str]:
    """The header row: sheet columns, then one column per criterion (with its maximum)."""
    head = [
        _("Mã hồ sơ"),
        _("Lĩnh vực"),
        _("Giám khảo"),
        _("E-mail giám khảo"),
        _("Trạng thái"),
        _("Nguồn"),
    ]
    for criterion in edition.criteria:
        maximum = display.points(criterion.max_points)
        head.append(f"{criterion.name} ({criterion.code}, ≤ {maximum})")
    head += [_("Tổng điểm"), _("Nhận xét"), _("Nộp lúc")]
    return head


def rows(edition: Edition, round_: Round):
    """The data rows, by entry code then judge e-mail; points are numbers (empty: not
    scored)."""
    sheets = db.session.scalars(
        select(ScoreSheet)
        .join(Entry, Entry.id == ScoreSheet.entry_id)
        .where(ScoreSheet.round_id == round_.id)
        .options(
            selectinload(ScoreSheet.scores),
            selectinload(ScoreSheet.judge),
            selectinload(ScoreSheet.entry).selectinload(Entry.field),
        )
        .order_by(Entry.code, ScoreSheet.id)
    ).all()
    criteria = list(edition.criteria)
    for sheet in sheets:
        points = sheet.points_by_criterion()
        status = SheetStatus(sheet.status).label
        yield [
            sheet.entry.code or "",
            sheet.entry.field.code,
            sheet.judge.full_name,
            sheet.judge.email,
            str(status),
            _source_label(sheet.source),
            *[float(points[c.id]) if c.id in points else None for c in criteria],
            float(sheet.total),
            sheet.comment,
            format_local(sheet.submitted_at) if sheet.submitted_at else "",
        ]


def export_round(edition: Edition, round_: Round, target: IO[bytes]) -> None:
    """Write the round's sheets to ``target`` as XLSX (openpyxl write_only)."""
    title = _("Phiếu chấm %(round)s", round=round_.code)
    write_xlsx(target, header(edition), rows(edition, round_), title=title)
