"""The entry list as an XLSX file with Vietnamese headers (for the People's Committee, the
districts, the secretariat). One row per entry; the authors and their birth dates are listed
in author order, separated by "; ". Streams with openpyxl's ``write_only`` mode; every text
is escaped against formula injection (:func:`contest.tabular.cell_text`)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..contests.models import Edition
from ..extensions import db
from ..tabular import write_xlsx
from ..timeutil import format_local
from .models import Entry, EntryStatus
from .queries import EntryFilters, entries_select


def headers() -> list[str]:
    """The column headers, in the export's order."""
    return [
        _("STT"),
        _("Mã"),
        _("Tên sản phẩm/giải pháp"),
        _("Lĩnh vực"),
        _("Bảng"),
        _("Tác giả"),
        _("Ngày sinh"),
        _("Đơn vị"),
        _("Địa bàn"),
        _("Trạng thái"),
        _("Ngày nộp"),
    ]


def entry_row(number: int, entry: Entry) -> list:
    """One row of the export."""
    return [
        number,
        entry.code or "",
        entry.title,
        entry.field.name if entry.field else "",
        entry.board.name if entry.board else "",
        "; ".join(a.full_name for a in entry.authors),
        "; ".join(
            a.date_of_birth.strftime("%d/%m/%Y") if a.date_of_birth else "" for a in entry.authors
        ),
        entry.unit_label,
        entry.area_label,
        str(EntryStatus(entry.status).label),
        format_local(entry.submitted_at, "%d/%m/%Y"),
    ]


def write_entries(target, entries: Iterable[Entry]) -> int:
    """Write ``entries`` to ``target`` (path or binary stream); return how many."""
    count = 0

    def rows():
        nonlocal count
        for count, entry in enumerate(entries, start=1):  # noqa: B007 - counted on purpose
            yield entry_row(count, entry)

    write_xlsx(target, headers(), rows(), title=_("Danh sách hồ sơ"))
    return count


EXPORTED = tuple(s.value for s in EntryStatus if s != EntryStatus.DRAFT)


def export_for_user(target, user, filters: EntryFilters) -> int:
    """Export what ``user`` may see and ``filters`` select (the organizer or coordinator
    pages); drafts only when the filters ask for them."""
    if not filters.statuses:
        filters.statuses = EXPORTED
    entries = db.session.execute(entries_select(user, filters)).scalars()
    return write_entries(target, entries)


def export_edition(target, edition: Edition) -> int:
    """Export every entry of ``edition`` except drafts, by code (the command line: whoever
    runs it has the database anyway)."""
    stmt = (
        select(Entry)
        .where(Entry.edition_id == edition.id, Entry.status.in_(EXPORTED))
        .order_by(Entry.code, Entry.id)
        .options(
            selectinload(Entry.authors),
            selectinload(Entry.field),
            selectinload(Entry.board),
            selectinload(Entry.area),
            selectinload(Entry.unit),
        )
    )
    return write_entries(target, db.session.execute(stmt).scalars())
