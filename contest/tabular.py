"""Spreadsheet files in and out, shared by every import and export (FORMATS.md).

Reading (:func:`read_table`): CSV (UTF-8, with or without BOM, comma-separated) or XLSX (the
first sheet), told apart by content (an XLSX file is a ZIP archive), never by name. The first
row is the header: column names are trimmed and lower-cased, order does not matter, a column
without a name is allowed only when it is empty. Every cell becomes a trimmed string (an XLSX
date becomes ``YYYY-MM-DD``, a whole number loses its ``.0``). Row numbers are the ones Excel
shows (the header is row 1; a CSV cell spanning lines is still one row). Empty rows are
skipped but keep their numbers. A cell holding a control character other than a tab or a line
break (NUL, DEL…) is a problem of its row: no import stores such text.

Problems are :class:`RowProblem` values printed as ``dòng N, cột C: …`` (msgid Vietnamese;
English ``row N, column C: …`` comes from the catalogue).

Writing: :func:`cell_text` escapes formula injection — a text starting with ``=``, ``+``, ``-``
or ``@`` gets a leading apostrophe so that no spreadsheet program evaluates it — and
:func:`write_xlsx` streams rows into the file openpyxl's ``write_only`` mode writes.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Protocol

from flask_babel import gettext as _

from .errors import UserError
from .input_guard import has_forbidden

MAX_BYTES = 20 * 1024 * 1024
FORMULA_START = ("=", "+", "-", "@")
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RowProblem:
    """A problem of an imported file: row number (Excel's; None for the whole file) and
    column name ("" for the whole row)."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _(
                "dòng %(row)d, cột %(column)s: %(message)s",
                row=self.row,
                column=self.column,
                message=self.message,
            )
        if self.row is not None:
            return _("dòng %(row)d: %(message)s", row=self.row, message=self.message)
        return str(self.message)


class TableError(UserError):
    """The file cannot be read as a table, or its rows are invalid; ``problems`` lists them
    all, in row order (``message``: one per line)."""

    def __init__(self, problems: Iterable[RowProblem]):
        self.problems = sorted(problems, key=lambda p: (p.row or 0,))
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Row:
    """One data row: its Excel row number and ``{column: text}``."""

    number: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """The cell of ``column`` ("" when the file has no such column)."""
        return self.values.get(column, "")


@dataclass
class Table:
    """A read file: its column names (lower-cased, in file order) and its non-empty rows."""

    columns: list[str]
    rows: list[Row] = field(default_factory=list)

    def column_problems(self, required: Sequence[str], optional: Sequence[str]) -> list:
        """Unknown and missing columns, as problems on row 1."""
        known = list(required) + list(optional)
        problems = [
            RowProblem(
                1,
                name,
                _("cột không được hỗ trợ (các cột hợp lệ: %(known)s)", known=", ".join(known)),
            )
            for name in self.columns
            if name not in known
        ]
        problems += [
            RowProblem(1, name, _("thiếu cột bắt buộc")) for name in required if name not in self
        ]
        return problems

    def __contains__(self, column: str) -> bool:
        return column in self.columns


def cell_to_text(value: Any) -> str:
    """A cell as trimmed text: dates as ``YYYY-MM-DD``, whole floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class ByteSource(Protocol):
    """What the readers need of a file: ``read(size)`` returning bytes."""

    def read(self, size: int = -1, /) -> bytes: ...


def _read_bytes(stream: ByteSource, max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TableError(
            [
                RowProblem(
                    None, "", _("Tệp quá lớn (tối đa %(mb)d MB).", mb=max_bytes // (1024 * 1024))
                )
            ]
        )
    return data


def _header(cells: Sequence[str]) -> list[str]:
    return [c.strip().lower() for c in cells]


def _build(raw_rows: Iterable[tuple[int, list[str]]]) -> Table:
    """A :class:`Table` from ``(row number, cells)`` pairs, the first being the header."""
    iterator = iter(raw_rows)
    first = next(iterator, None)
    while first is not None and not any(first[1]):
        first = next(iterator, None)
    if first is None:
        raise TableError([RowProblem(None, "", _("Tệp không có dữ liệu (thiếu dòng tiêu đề)."))])
    header_row, header_cells = first
    names = _header(header_cells)
    problems = []
    seen: set[str] = set()
    for index, name in enumerate(names):
        if has_forbidden(name):
            names[index] = name = ""
            problems.append(
                RowProblem(
                    header_row,
                    "",
                    _("tên cột có ký tự điều khiển không hợp lệ (như NUL); hãy xoá ký tự đó"),
                )
            )
        if name and name in seen:
            problems.append(RowProblem(header_row, name, _("cột bị lặp lại")))
        seen.add(name)
    rows = []
    for number, cells in iterator:
        if not any(cells):
            continue
        values = {}
        for index, text in enumerate(cells):
            name = names[index] if index < len(names) else ""
            if has_forbidden(text):
                problems.append(
                    RowProblem(
                        number,
                        name,
                        _("có ký tự điều khiển không hợp lệ (như NUL); hãy xoá ký tự đó"),
                    )
                )
                text = ""
            if not name:
                if text:
                    problems.append(
                        RowProblem(
                            number, "", _("có dữ liệu ở cột %(n)d không có tên", n=index + 1)
                        )
                    )
                continue
            values[name] = text
        rows.append(Row(number, values))
    if problems:
        raise TableError(problems)
    return Table([n for n in names if n], rows)


def _csv_rows(data: bytes) -> Iterable[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(
            [RowProblem(None, "", _("Tệp CSV phải được lưu với bảng mã UTF-8."))]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [cell.strip() for cell in cells]
    except csv.Error as exc:
        raise TableError([RowProblem(None, "", _("Tệp CSV không hợp lệ: %(e)s", e=str(exc)))])


def _xlsx_rows(data: bytes) -> Iterable[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise TableError([RowProblem(None, "", _("Không đọc được tệp XLSX."))]) from None
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        while True:
            try:
                number, cells = next(rows)
            except StopIteration:
                return
            except Exception:  # the sheet's XML is damaged or refused (entities…)
                raise TableError([RowProblem(None, "", _("Không đọc được tệp XLSX."))]) from None
            yield number, [cell_to_text(value) for value in cells]
    finally:
        workbook.close()


def read_table(stream: ByteSource, max_bytes: int = MAX_BYTES) -> Table:
    """Read a CSV or XLSX file (see the module docstring); raise :class:`TableError`."""
    data = _read_bytes(stream, max_bytes)
    rows = _xlsx_rows(data) if data.startswith(ZIP_MAGIC) else _csv_rows(data)
    return _build(rows)


# --- Writing ----------------------------------------------------------------------------------


def cell_text(value: Any) -> Any:
    """A value safe to write into a spreadsheet: texts that a spreadsheet program would take
    for a formula (``=``, ``+``, ``-``, ``@`` first) get a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_xlsx(
    target, header: Sequence[str], rows: Iterable[Sequence[Any]], title: str = ""
) -> None:
    """Write ``header`` and ``rows`` to ``target`` (a path or a binary stream) as one sheet,
    streaming; every text passes through :func:`cell_text`.

    The file is the one openpyxl's ``write_only`` mode writes, part for part: the
    workbook, its styles, theme and properties come from an openpyxl write-only workbook; the
    sheet's rows are written here, as openpyxl (with lxml) writes them — inline strings,
    ``&#NNNN;`` references for non-ASCII characters, numbers as ``%.16g`` — but as plain
    text, without an openpyxl cell object and an XML element per cell, which cost ≈ 30 µs a
    cell (8 s for the 15,000-sheet export). Any value other than ``None``, ``str``, ``int``,
    ``float`` and ``bool`` (dates, decimals, NaN, a text with a character XML refuses…) is
    written by openpyxl's own cell writer, so it behaves exactly as before (styles, errors).
    ``tests/entries/test_xlsx_writer.py`` compares the parts with openpyxl's."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Sheet1")[:31])
    try:
        _write_parts(target, workbook, _SheetRows(sheet), itertools.chain([header], rows))
    except BaseException:
        if isinstance(target, str | os.PathLike):
            Path(target).unlink(missing_ok=True)  # no half-written file (openpyxl left none)
        raise


def _write_parts(target, workbook, writer: _SheetRows, rows: Iterable[Sequence[Any]]) -> None:
    import zipfile

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        with archive.open(_SHEET_PART, "w") as out:
            out.write(_SHEET_HEAD)
            chunk: list[str] = []
            for number, row in enumerate(rows, start=1):
                writer.row(chunk, number, row)
                if len(chunk) > 4096:
                    out.write("".join(chunk).encode("ascii", "xmlcharrefreplace"))
                    chunk.clear()
            out.write("".join(chunk).encode("ascii", "xmlcharrefreplace"))
            out.write(_SHEET_TAIL)
        # The other parts, as openpyxl writes them for this workbook (its styles include the
        # number formats the delegated cells registered).
        parts = io.BytesIO()
        workbook.save(parts)
        with zipfile.ZipFile(parts) as saved:
            for info in saved.infolist():
                if info.filename != _SHEET_PART:  # the only sheet is number 1
                    archive.writestr(info, saved.read(info))


_SHEET_PART = "xl/worksheets/sheet1.xml"
# What openpyxl's write-only worksheet writes around its rows (no row or column settings).
_SHEET_HEAD = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr/></sheetPr>'
    b'<sheetViews><sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1"/>'
    b'</sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
    b"<sheetData>"
)
_SHEET_TAIL = (
    b'</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
    b'footer="0.5"/></worksheet>'
)
# Texts openpyxl refuses (IllegalCharacterError) or lxml refuses (not XML characters), and a
# leading "=" (a formula): such texts go through openpyxl's own writer.
_DELEGATED_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|^=")
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
_MAX_TEXT = 32767  # openpyxl truncates longer texts


def _xml_text(value: str) -> str:
    """Text content as lxml writes it (ASCII output: other characters as references)."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    if not value.isascii():
        value = value.encode("ascii", "xmlcharrefreplace").decode("ascii")
    return value


class _SheetRows:
    """The ``<row>`` elements of a write-only sheet (see :func:`write_xlsx`). What follows a
    text cell's reference is kept per distinct text (codes, names, labels repeat)."""

    TEXTS_KEPT = 50_000

    def __init__(self, sheet):
        self.sheet = sheet
        self.letters: list[str] = []
        self.texts: dict[str, str] = {}

    def _text(self, value: str) -> str | None:
        """What follows ``<c r="A1"`` for the text ``value`` (before :func:`cell_text`), or
        None when openpyxl's writer must write it."""
        if value.startswith(FORMULA_START):
            value = "'" + value
        if len(value) > _MAX_TEXT:
            value = value[:_MAX_TEXT]
        if _DELEGATED_TEXT.search(value):
            return None
        if not value:
            return ' t="inlineStr"></c>'
        if value in _ERROR_CODES:
            return f' t="e"><v>{value}</v></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f' t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>'

    def row(self, out: list[str], number: int, values: Iterable[Any]) -> None:
        if not isinstance(values, list | tuple):
            values = list(values)
        letters = self.letters
        if len(values) > len(letters):
            from openpyxl.utils import get_column_letter

            letters += [get_column_letter(i + 1) for i in range(len(letters), len(values))]
        texts = self.texts
        out.append(f'<row r="{number}">')
        for index, value in enumerate(values):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                tail = texts.get(value)
                if tail is None:
                    tail = self._text(value)
                    if tail is None:
                        out.append(self._delegated(number, index + 1, cell_text(value)))
                        continue
                    if len(texts) < self.TEXTS_KEPT:
                        texts[value] = tail
                out.append(f'<c r="{letters[index]}{number}"{tail}')
            elif kind is int or (kind is float and math.isfinite(value)):
                # openpyxl writes numbers with %.16g
                out.append(f'<c r="{letters[index]}{number}" t="n"><v>{value:.16g}</v></c>')
            elif kind is bool:
                out.append(f'<c r="{letters[index]}{number}" t="b"><v>{1 if value else 0}</v></c>')
            else:
                out.append(self._delegated(number, index + 1, cell_text(value)))
        out.append("</row>")

    def _delegated(self, row: int, column: int, value: Any) -> str:
        """One cell written by openpyxl's cell writer (its errors, styles and formats)."""
        from openpyxl.cell._writer import write_cell
        from openpyxl.cell.cell import Cell
        from openpyxl.xml.functions import xmlfile

        cell = Cell(self.sheet, row=row, column=column, value=value)
        if cell.value is None and not cell.has_style:
            return ""
        buffer = io.BytesIO()
        with xmlfile(buffer) as xf:
            write_cell(xf, self.sheet, cell, cell.has_style)
        return buffer.getvalue().decode("utf-8")
