"""The official list of winners of one published version (danh sách đạt giải), and what the
public results pages show of it (RULES §6).

Everything here reads the version's snapshot (``PublishedEntry``) and nothing else: never the
live entries, their authors or a results run. A snapshot holds only names, unit, area, field,
board and prize, so no date of birth, phone number or e-mail address of an author (many of
them minors) can reach a public page or file through this module.

* :func:`official_list` — the list as the People's Committee receives it: columns STT, Mã,
  Tên sản phẩm (youth) / Tên giải pháp (technical), Tác giả, Đơn vị, Lĩnh vực, Giải; ordered by
  prize level (highest first), then field (edition order), board, rank and code; STT numbered
  1… over the whole list. A title block names the edition, the version, its date and state.
* :func:`write_xlsx` — that list as XLSX: the title block, a header row (:data:`HEADER_ROW`)
  with Vietnamese headers, one row per winner, column widths for reading and printing, every
  text escaped against formula injection (``tabular.cell_text``).
* :func:`render_html` / :func:`render_pdf` — the same list as a print-friendly A4 page (the
  ``Bản in`` page) and as PDF (WeasyPrint, DejaVu fonts embedded, no external resource).
* :func:`sections` — the public page's grouping: per field (and board), per prize level.
* :func:`public_differences` — what changed between two versions as the public may see it
  (score changes are left out: scores are not public).

Texts are NFC-normalised (composed Vietnamese letters) in the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from pathlib import Path

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from .. import pdf
from ..contests.models import ContestKind, Edition
from ..extensions import db
from ..tabular import cell_text
from ..text import nfc
from ..timeutil import format_local, utcnow
from . import operations as publish
from .models import Publication, PublishedEntry

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "official_list.css"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Row of the XLSX header (rows 1–3: title block, row 4 empty).
HEADER_ROW = 5
#: XLSX column widths (characters), in column order.
COLUMN_WIDTHS = (6, 14, 48, 34, 34, 30, 20)


# ---------------------------------------------------------------- versions


def version_of(edition: Edition, number: int) -> Publication | None:
    """Version ``number`` of ``edition``'s published results, if it exists."""
    return db.session.scalar(
        select(Publication).where(
            Publication.edition_id == edition.id, Publication.version == number
        )
    )


def next_version(publication: Publication) -> Publication | None:
    """The version that replaced ``publication`` (None while it is in force)."""
    if publication.superseded_at is None:
        return None
    return db.session.scalar(
        select(Publication)
        .where(
            Publication.edition_id == publication.edition_id,
            Publication.version > publication.version,
        )
        .order_by(Publication.version)
        .limit(1)
    )


def entries_of(publication: Publication) -> list[PublishedEntry]:
    """The version's winners in the snapshot's order (field, board, prize level, rank, code)."""
    return list(
        db.session.scalars(
            select(PublishedEntry)
            .where(PublishedEntry.publication_id == publication.id)
            .order_by(PublishedEntry.position)
        )
    )


# ---------------------------------------------------------------- the official list


@dataclass(frozen=True)
class ListRow:
    """One winner of the official list (texts, NFC)."""

    number: int
    code: str
    title: str
    authors: str
    unit: str
    field: str
    prize: str

    def cells(self) -> list:
        return [self.number, self.code, self.title, self.authors, self.unit, self.field, self.prize]


@dataclass(frozen=True)
class PrizeBlock:
    """The rows of one prize level (the printable list shows one block per level)."""

    prize: str
    rows: list[ListRow]


@dataclass(frozen=True)
class OfficialList:
    """The official list of one version, with its title block."""

    edition_title: str
    organizing_units: str
    version: int
    published_at: datetime
    status: str
    header: tuple[str, ...]
    blocks: list[PrizeBlock] = field(default_factory=list)

    @property
    def rows(self) -> list[ListRow]:
        return [row for block in self.blocks for row in block.rows]

    @property
    def subtitle(self) -> str:
        return _(
            "Phiên bản %(n)s, công bố ngày %(date)s",
            n=self.version,
            date=format_local(self.published_at, "%d/%m/%Y"),
        )


def title_label(edition: Edition) -> str:
    """The title column's name: a product (youth) or a solution (technical)."""
    return _("Tên sản phẩm") if edition.kind == ContestKind.YOUTH else _("Tên giải pháp")


def header(edition: Edition) -> tuple[str, ...]:
    """The official list's column names, in the current language."""
    return (
        _("STT"),
        _("Mã"),
        title_label(edition),
        _("Tác giả"),
        _("Đơn vị"),
        _("Lĩnh vực"),
        _("Giải"),
    )


def superseded_text(publication: Publication, replacement: Publication | None) -> str:
    """``Phiên bản này đã được thay thế bởi phiên bản n (ngày …)``."""
    when = replacement.published_at if replacement else publication.superseded_at
    return _(
        "Phiên bản này đã được thay thế bởi phiên bản %(n)s (ngày %(date)s)",
        n=replacement.version if replacement else publication.version + 1,
        date=format_local(when, "%d/%m/%Y"),
    )


def status_text(publication: Publication, now: datetime | None = None) -> str:
    """The version's state in one line (for the files' title block)."""
    current = publish.state(publication, now or utcnow())
    if current == publish.State.SUPERSEDED:
        return superseded_text(publication, next_version(publication))
    if current == publish.State.POSTING:
        return _("Đang niêm yết đến %(time)s", time=format_local(publication.posting_ends_at))
    return _("Kết quả chính thức")


def field_text(entry: PublishedEntry) -> str:
    """The field's name, with the board when the edition has boards."""
    if entry.board_name:
        return f"{entry.field_name} — {entry.board_name}"
    return entry.field_name


def official_list(publication: Publication, now: datetime | None = None) -> OfficialList:
    """The official list of ``publication`` (module docstring): by prize level, then in the
    snapshot's order (field, board, rank, code)."""
    edition = publication.edition
    entries = sorted(entries_of(publication), key=lambda e: (e.prize_position, e.position))
    blocks, number = [], 0
    for _key, in_prize in groupby(entries, key=lambda e: (e.prize_position, e.prize_code)):
        group = list(in_prize)
        rows = []
        for entry in group:
            number += 1
            rows.append(
                ListRow(
                    number=number,
                    code=nfc(entry.entry_code),
                    title=nfc(entry.title),
                    authors=nfc("; ".join(entry.authors or [])),
                    unit=nfc(entry.unit_name),
                    field=nfc(field_text(entry)),
                    prize=nfc(entry.prize_name),
                )
            )
        blocks.append(PrizeBlock(nfc(group[0].prize_name), rows))
    return OfficialList(
        edition_title=nfc(edition.title),
        organizing_units=nfc(edition.organizing_units),
        version=publication.version,
        published_at=publication.published_at,
        status=nfc(status_text(publication, now)),
        header=tuple(nfc(h) for h in header(edition)),
        blocks=blocks,
    )


def file_name(publication: Publication, extension: str) -> str:
    """``danh-sach-dat-giai-<slug>-v<n>.<extension>`` (ASCII: the slug is ASCII)."""
    return f"danh-sach-dat-giai-{publication.edition.slug}-v{publication.version}.{extension}"


# ---------------------------------------------------------------- XLSX


def write_xlsx(the_list: OfficialList, target) -> None:
    """Write ``the_list`` to ``target`` (path or binary stream) as XLSX (module docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on its one worksheet
    sheet.title = _("Danh sách đạt giải")[:31]
    last = get_column_letter(len(the_list.header))
    title_block = (
        (the_list.edition_title, Font(bold=True, size=14)),
        (_("DANH SÁCH ĐẠT GIẢI"), Font(bold=True, size=13)),
        (f"{the_list.subtitle}. {the_list.status}", Font(italic=True)),
    )
    for row, (text, font) in enumerate(title_block, start=1):
        cell = sheet.cell(row=row, column=1, value=cell_text(nfc(text)))
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.merge_cells(f"A{row}:{last}{row}")
    sheet.row_dimensions[1].height = 36
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, text in enumerate(the_list.header, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=cell_text(text))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E2F3")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    wrap = Alignment(vertical="top", wrap_text=True)
    centre = Alignment(horizontal="center", vertical="top")
    for offset, list_row in enumerate(the_list.rows, start=1):
        for column, value in enumerate(list_row.cells(), start=1):
            cell = sheet.cell(row=HEADER_ROW + offset, column=column, value=cell_text(value))
            cell.alignment = centre if column == 1 else wrap
            cell.border = border
    for column, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    fit = sheet.sheet_properties.pageSetUpPr
    assert fit is not None  # WorksheetProperties always makes its PageSetupProperties
    fit.fitToPage = True
    workbook.save(target)


# ---------------------------------------------------------------- printable page and PDF


def render_html(the_list: OfficialList, *, for_pdf: bool, back_url: str = "") -> str:
    """The print-friendly page of ``the_list`` (the PDF's source when ``for_pdf``)."""
    return render_template(
        "public_results/official_list.html", the_list=the_list, for_pdf=for_pdf, back_url=back_url
    )


def render_pdf(the_list: OfficialList) -> bytes:
    """``the_list`` as PDF bytes (WeasyPrint, A4; no external resource is fetched)."""
    return pdf.render_pdf(render_html(the_list, for_pdf=True), STYLESHEET)


# ---------------------------------------------------------------- the public page's grouping


@dataclass(frozen=True)
class PrizeGroup:
    """The winners of one prize level within a field (and board)."""

    prize_code: str
    prize_name: str
    entries: list[PublishedEntry]


@dataclass(frozen=True)
class FieldSection:
    """One field (and board) of the public page, its prize levels highest first."""

    field_code: str
    field_name: str
    board_name: str
    groups: list[PrizeGroup]

    @property
    def count(self) -> int:
        return sum(len(g.entries) for g in self.groups)


def sections(publication: Publication) -> list[FieldSection]:
    """The version's winners per field (and board), per prize level, in the snapshot's order."""
    out = []
    entries = entries_of(publication)
    for (code, _board), field_rows in groupby(entries, key=lambda e: (e.field_code, e.board_code)):
        in_field = list(field_rows)
        groups = []
        for prize, prize_rows in groupby(in_field, key=lambda e: e.prize_code):
            group = list(prize_rows)
            groups.append(PrizeGroup(prize, group[0].prize_name, group))
        first = in_field[0]
        out.append(FieldSection(code, first.field_name, first.board_name, groups))
    return out


# ---------------------------------------------------------------- differences


PUBLIC_ATTRIBUTES = ("prize_name", "title", "authors", "unit_name", "area_name", "field_name")


@dataclass(frozen=True)
class PublicChange:
    """One changed attribute: its name and the values before and after (texts)."""

    attribute: str
    before: str
    after: str


@dataclass(frozen=True)
class PublicDifference:
    """An entry added to, removed from or changed between two versions."""

    entry_code: str
    title: str
    kind: str  # "added", "removed" or "changed"
    prize_before: str
    prize_after: str
    changes: tuple[PublicChange, ...]


def _text(entry: PublishedEntry, attribute: str) -> str:
    value = getattr(entry, attribute)
    return "; ".join(value) if isinstance(value, list) else str(value or "")


def public_differences(old: Publication, new: Publication) -> list[PublicDifference]:
    """``publish.differences`` without the score (not public): entries whose only change is
    their score are left out."""
    out = []
    for diff in publish.differences(old, new):
        if diff.before is None:
            assert diff.after is not None  # a difference has a side before or after
            out.append(
                PublicDifference(
                    diff.entry_code, diff.title, "added", "", diff.after.prize_name, ()
                )
            )
        elif diff.after is None:
            out.append(
                PublicDifference(
                    diff.entry_code, diff.title, "removed", diff.before.prize_name, "", ()
                )
            )
        else:
            changes = tuple(
                PublicChange(a, _text(diff.before, a), _text(diff.after, a))
                for a in diff.changes
                if a in PUBLIC_ATTRIBUTES
            )
            if changes:
                out.append(
                    PublicDifference(
                        diff.entry_code,
                        diff.after.title,
                        "changed",
                        diff.before.prize_name,
                        diff.after.prize_name,
                        changes,
                    )
                )
    return out
