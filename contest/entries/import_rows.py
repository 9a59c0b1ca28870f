"""Reading and checking the rows of an entries file (FORMATS.md "Entries file"); see
:mod:`.imports` for the rules. Nothing here writes: :func:`validate` resolves every row
against the edition, the area tree and the units, or raises :class:`ImportFailed` listing
every problem of the file by row and column."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from ..contests.models import Edition
from ..tabular import RowProblem, Table, TableError
from . import eligibility
from .models import EntryStatus
from .places import PlaceNames

REQUIRED = ("code", "title", "field", "authors")
OPTIONAL = ("board", "area", "unit", "summary", "status")
IMPORT_STATUSES = (
    EntryStatus.ACCEPTED.value,
    EntryStatus.REJECTED.value,
    EntryStatus.WITHDRAWN.value,
)
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
GENDERS = {"": "", "m": "M", "f": "F", "nam": "M", "nữ": "F", "nu": "F"}
SUMMARY_MAX = 20000


class ImportFailed(TableError):
    """The file was refused; ``problems`` lists every problem, nothing was written."""


@dataclass
class ParsedRow:
    """One valid row, resolved against the edition and the area tree."""

    number: int
    values: dict  # entry attribute → value, only for the columns present
    authors: list[tuple[str, date | None, str]]


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_authors(text: str, number: int) -> tuple[list, list[RowProblem]]:
    """``[(full name, date of birth, gender)]`` from the ``authors`` cell, and problems."""
    authors, problems = [], []
    parts = [p.strip() for p in text.split(";") if p.strip()]
    for index, part in enumerate(parts, start=1):
        pieces = [p.strip() for p in part.split("|")]
        if len(pieces) > 3:
            problems.append(
                RowProblem(
                    number,
                    "authors",
                    _("tác giả thứ %(n)d: dạng đúng là Họ tên|YYYY-MM-DD|giới tính", n=index),
                )
            )
            continue
        name = " ".join(pieces[0].split())
        dob_text = pieces[1] if len(pieces) > 1 else ""
        gender_text = pieces[2] if len(pieces) > 2 else ""
        dob = _parse_date(dob_text) if dob_text else None
        if not name:
            problems.append(
                RowProblem(number, "authors", _("tác giả thứ %(n)d: thiếu họ tên", n=index))
            )
        if dob_text and dob is None:
            problems.append(
                RowProblem(
                    number,
                    "authors",
                    _(
                        "%(name)s: ngày sinh “%(v)s” không đúng dạng YYYY-MM-DD",
                        name=name,
                        v=dob_text,
                    ),
                )
            )
        gender = GENDERS.get(gender_text.casefold())
        if gender is None:
            problems.append(
                RowProblem(
                    number,
                    "authors",
                    _(
                        "%(name)s: giới tính “%(v)s” không hợp lệ (M, F hoặc để trống)",
                        name=name,
                        v=gender_text,
                    ),
                )
            )
        authors.append((name, dob, gender or ""))
    return authors, problems


class _RowParser:
    """Resolves the rows of one file against the edition, the areas and the units; each
    ``_column`` method reads one column into ``values`` and reports its problems."""

    values: dict[str, Any]  # the row's entry attributes, column by column
    problems: list[RowProblem]

    def __init__(self, edition: Edition, table: Table) -> None:
        self.edition, self.table = edition, table
        self.names = PlaceNames()
        self.rules = eligibility.Rules.from_edition(edition)
        self.fields = {f.code.casefold(): f for f in edition.fields}
        self.boards = {b.code.casefold(): b for b in edition.boards}

    def parse(self, row) -> tuple[ParsedRow, list[RowProblem]]:
        """Resolve ``row``; return it with its problems."""
        self.row, self.values, self.problems = row, {}, []
        self._code()
        self._title()
        self._field()
        self._board()
        self._place()
        self._status()
        authors = self._authors()
        return ParsedRow(row.number, self.values, authors), self.problems

    def _bad(self, column: str, message: str) -> None:
        self.problems.append(RowProblem(self.row.number, column, message))

    def _text(self, column: str, limit: int) -> str:
        text = " ".join(self.row.get(column).split())
        if len(text) > limit:
            self._bad(column, _("tối đa %(max)d ký tự", max=limit))
        return text

    def _code(self) -> None:
        code = self.row.get("code")
        if not code:
            self._bad("code", _("thiếu mã hồ sơ"))
        elif not CODE_RE.match(code):
            self._bad(
                "code",
                _(
                    "mã “%(v)s” chỉ được gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch "
                    "dưới (tối đa 40 ký tự)",
                    v=code,
                ),
            )
        self.values["code"] = code

    def _title(self) -> None:
        self.values["title"] = self._text("title", 300)
        if not self.values["title"]:
            self._bad("title", _("thiếu tên sản phẩm, giải pháp"))

    def _field(self) -> None:
        text = self.row.get("field")
        chosen = self.fields.get(text.casefold())
        if chosen is None:
            codes = ", ".join(f.code for f in self.edition.fields)
            self._bad(
                "field",
                _("lĩnh vực “%(v)s” không có trong lần thi (có: %(codes)s)", v=text, codes=codes),
            )
        else:
            self.values["field_id"] = chosen.id

    def _board(self) -> None:
        if "board" not in self.table and not self.boards:
            return
        text = self.row.get("board")
        chosen = self.boards.get(text.casefold())
        self.values["board_id"] = chosen.id if chosen else None
        if self.boards and not text:
            self._bad("board", _("lần thi có chia bảng: cần ghi mã bảng"))
        elif self.boards and chosen is None:
            codes = ", ".join(b.code for b in self.edition.boards)
            self._bad(
                "board",
                _("bảng “%(v)s” không có trong lần thi (có: %(codes)s)", v=text, codes=codes),
            )
        elif not self.boards and text:
            self._bad("board", _("lần thi không chia bảng: để trống cột này"))

    def _place(self) -> None:
        area = None
        if "area" in self.table:
            text = self._text("area", 200)
            area = self.names.area(text) if text else None
            self.values["area_id"] = area.id if area else None
            self.values["area_name"] = "" if area else text
        if "unit" in self.table:
            text = self._text("unit", 300)
            unit = self.names.unit(text, area) if text else None
            self.values["unit_id"] = unit.id if unit else None
            self.values["unit_name"] = text
        if "summary" in self.table:
            self.values["summary"] = self.row.get("summary")
            if len(self.values["summary"]) > SUMMARY_MAX:
                self._bad("summary", _("tối đa %(max)d ký tự", max=SUMMARY_MAX))

    def _status(self) -> None:
        status = self.row.get("status").casefold() or EntryStatus.ACCEPTED.value
        if status not in IMPORT_STATUSES:
            self._bad(
                "status",
                _(
                    "trạng thái “%(v)s” không hợp lệ (accepted, rejected hoặc withdrawn)",
                    v=self.row.get("status"),
                ),
            )
        if "status" in self.table:
            self.values["status"] = status

    def _authors(self) -> list:
        authors, problems = parse_authors(self.row.get("authors"), self.row.number)
        self.problems += problems
        if not problems:
            facts = [eligibility.AuthorFacts(name, dob) for name, dob, _g in authors]
            for problem in eligibility.check_authors(self.rules, facts):
                self._bad("authors", problem.message)
        return authors


def validate(edition: Edition, table: Table, tick=None) -> list[ParsedRow]:
    """Every row resolved; raise :class:`ImportFailed` with every problem of the file.
    ``tick()``, when given, is called after each row (progress)."""
    problems = table.column_problems(REQUIRED, OPTIONAL)
    if edition.boards and "board" not in table:
        problems.append(RowProblem(1, "board", _("lần thi có chia bảng: thiếu cột bắt buộc")))
    if problems:
        raise ImportFailed(problems)
    if not table.rows:
        raise ImportFailed([RowProblem(None, "", _("Tệp không có dòng dữ liệu nào."))])
    parser = _RowParser(edition, table)
    parsed: list[ParsedRow] = []
    first_row_of: dict[str, int] = {}
    for row in table.rows:
        item, row_problems = parser.parse(row)
        problems += row_problems
        key = item.values["code"].casefold()
        if key and key in first_row_of:
            problems.append(
                RowProblem(
                    row.number,
                    "code",
                    _("mã “%(v)s” đã có ở dòng %(n)d", v=item.values["code"], n=first_row_of[key]),
                )
            )
        first_row_of.setdefault(key, row.number)
        parsed.append(item)
        if tick is not None:
            tick()
    if problems:
        raise ImportFailed(problems)
    return parsed
