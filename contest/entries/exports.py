"""The entry list as an XLSX file with Vietnamese headers (for the People's Committee, the
districts, the secretariat). One row per entry; the authors and their birth dates are listed
in author order, separated by "; ". Streams with openpyxl's ``write_only`` mode; every text
is escaped against formula injection (:func:`contest.tabular.cell_text`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..areas.models import Area, Unit
from ..contests.models import Board, Edition, EditionField
from ..extensions import db
from ..tabular import write_xlsx
from ..timeutil import format_local
from .models import Author, Entry, EntryStatus
from .queries import EntryFilters, entries_ordered


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
    """Write ``entries`` (ORM objects, their relations loaded) to ``target`` (path or binary
    stream); return how many."""
    count = 0

    def rows():
        nonlocal count
        for count, entry in enumerate(entries, start=1):  # noqa: B007 - counted on purpose
            yield entry_row(count, entry)

    write_xlsx(target, headers(), rows(), title=_("Danh sách hồ sơ"))
    return count


EXPORTED = tuple(s.value for s in EntryStatus if s != EntryStatus.DRAFT)


def write_selected(target, stmt) -> int:
    """Write the entries of ``stmt`` (a sorted ``select(Entry)`` without loader options) to
    ``target``, set-based: a constant number of statements whatever the number of
    entries — the entries as plain rows, every author of them, and the names of their fields,
    boards, areas and units — merged in Python, never an ORM object per entry."""
    ids = stmt.with_only_columns(Entry.id).order_by(None).scalar_subquery()
    entries = db.session.execute(
        stmt.with_only_columns(
            Entry.id,
            Entry.code,
            Entry.title,
            Entry.field_id,
            Entry.board_id,
            Entry.unit_name,
            Entry.unit_id,
            Entry.area_id,
            Entry.area_name,
            Entry.area_snapshot,
            Entry.status,
            Entry.submitted_at,
        )
    ).all()
    authors: dict[int, list[tuple[str, date | None]]] = defaultdict(list)
    for entry_id, name, born in db.session.execute(
        select(Author.entry_id, Author.full_name, Author.date_of_birth)
        .where(Author.entry_id.in_(ids))
        .order_by(Author.entry_id, Author.position, Author.id)
    ):
        authors[entry_id].append((name, born))
    fields = _names(EditionField, {e.field_id for e in entries})
    boards = _names(Board, {e.board_id for e in entries})
    areas = _names(Area, {e.area_id for e in entries})
    units = _names(Unit, {e.unit_id for e in entries})
    statuses = {s.value: str(s.label) for s in EntryStatus}
    rows = []
    for number, e in enumerate(entries, start=1):
        people = authors.get(e.id, [])
        rows.append(
            [
                number,
                e.code or "",
                e.title,
                fields.get(e.field_id, ""),
                boards.get(e.board_id, ""),
                "; ".join(name for name, _born in people),
                "; ".join(born.strftime("%d/%m/%Y") if born else "" for _name, born in people),
                e.unit_name or units.get(e.unit_id, ""),
                e.area_snapshot  # the name it had when the edition ran, as Entry.area_label
                or (areas.get(e.area_id, e.area_name or "") if e.area_id else (e.area_name or "")),
                statuses.get(e.status, e.status),
                format_local(e.submitted_at, "%d/%m/%Y"),
            ]
        )
    write_xlsx(target, headers(), rows, title=_("Danh sách hồ sơ"))
    return len(rows)


def _names(model, ids: set) -> dict[int, str]:
    """``{id: name}`` of the ``model`` rows among ``ids`` (one statement; none when empty)."""
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(wanted))).all())


def export_for_user(target, user, filters: EntryFilters) -> int:
    """Export what ``user`` may see and ``filters`` select (the organizer or coordinator
    pages); drafts only when the filters ask for them."""
    if not filters.statuses:
        filters.statuses = EXPORTED
    return write_selected(target, entries_ordered(user, filters))


def export_edition(target, edition: Edition) -> int:
    """Export every entry of ``edition`` except drafts, by code (the command line: whoever
    runs it has the database anyway)."""
    stmt = (
        select(Entry)
        .where(Entry.edition_id == edition.id, Entry.status.in_(EXPORTED))
        .order_by(Entry.code, Entry.id)
    )
    return write_selected(target, stmt)
