"""Reading and checking the rows of a scores file (FORMATS.md "Scores file"); see
:mod:`.imports` for the rules. Nothing here writes: :class:`RowChecker` resolves every row
against the edition, the round and the accounts and collects every problem by row and
column."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import Role, User
from ..accounts.operations import normalize_email
from ..contests.models import Edition, Round
from ..entries.import_rows import ImportFailed
from ..entries.models import Entry, EntryStatus
from ..extensions import db
from ..tabular import RowProblem, TableError, read_table
from .errors import InvalidPoints
from .models import ScoreSheet, SheetSource, SheetStatus
from .panels import round_entry_ids
from .sheets import parse_points, points_problem

REQUIRED = ("entry", "judge", "criterion", "points")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class FileSheet:
    """One sheet of the file: entry, judge e-mail, first row, ``{criterion id: points}``."""

    entry: Entry
    email: str
    row: int
    points: dict[int, Decimal] = field(default_factory=dict)


class RowChecker:
    """Checks every row against the edition, the round and the accounts."""

    def __init__(self, edition: Edition, round_: Round, table, create_judges: bool) -> None:
        self.edition, self.round, self.create_judges = edition, round_, create_judges
        self.problems: list[RowProblem] = []
        codes = {row.get("entry").casefold() for row in table.rows}
        self.entries = {
            e.code.casefold(): e
            for e in db.session.scalars(
                select(Entry).where(Entry.edition_id == edition.id, Entry.code.is_not(None))
            )
            if e.code is not None and e.code.casefold() in codes
        }
        self.members = round_entry_ids(edition, round_)
        emails = {normalize_email(row.get("judge")) for row in table.rows}
        self.users = {
            u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))
        }
        self.criteria = {c.code.casefold(): c for c in edition.criteria}
        self.sheets: dict[tuple[int, str], FileSheet] = {}
        self.first_row: dict[tuple, int] = {}

    def bad(self, row: int, column: str, message: str) -> None:
        """Note a problem of ``row``, ``column``."""
        self.problems.append(RowProblem(row, column, message))

    def check(self, row) -> None:
        """Check one row; remember its points on its sheet."""
        n = row.number
        entry = self._entry(row)
        email = self._judge(row)
        criterion = self._criterion(row)
        points = self._points(row, criterion)
        if entry is None or email is None or criterion is None:
            return
        key = (entry.id, email, criterion.id)
        if key in self.first_row:
            self.bad(
                n,
                "criterion",
                _("đã có ở dòng %(n)d (cùng hồ sơ, giám khảo, tiêu chí)", n=self.first_row[key]),
            )
            return
        self.first_row[key] = n
        sheet = self.sheets.setdefault((entry.id, email), FileSheet(entry, email, n))
        if points is not None:
            sheet.points[criterion.id] = points

    def _entry(self, row) -> Entry | None:
        """The accepted entry of the round named by the row, or None (problem noted)."""
        code = row.get("entry")
        entry = self.entries.get(code.casefold())
        if not code:
            self.bad(row.number, "entry", _("thiếu mã hồ sơ"))
        elif entry is None:
            self.bad(row.number, "entry", _("không có hồ sơ mã “%(v)s” trong lần thi", v=code))
        elif entry.status != EntryStatus.ACCEPTED.value:
            self.bad(
                row.number,
                "entry",
                _(
                    "hồ sơ %(v)s đang ở trạng thái “%(s)s”, không được chấm",
                    v=entry.code,
                    s=str(EntryStatus(entry.status).label),
                ),
            )
        elif entry.id not in self.members:
            self.bad(
                row.number,
                "entry",
                _("hồ sơ %(v)s không thuộc vòng %(r)s", v=entry.code, r=self.round.code),
            )
        else:
            return entry
        return None

    def _judge(self, row) -> str | None:
        """The judge's normalised e-mail, or None (problem noted)."""
        email = normalize_email(row.get("judge"))
        user = self.users.get(email)
        if not email or "@" not in email:
            self.bad(row.number, "judge", _("e-mail giám khảo không hợp lệ: “%(v)s”", v=email))
            return None
        if self.create_judges:
            return email
        if user is None:
            self.bad(
                row.number,
                "judge",
                _("không có tài khoản %(v)s (dùng --create-judges để tạo)", v=email),
            )
            return None
        if not user.has_role(Role.JUDGE):
            self.bad(row.number, "judge", _("%(v)s không phải tài khoản giám khảo", v=email))
            return None
        return email

    def _criterion(self, row):
        """The active criterion named by the row, or None (problem noted)."""
        code = row.get("criterion")
        criterion = self.criteria.get(code.casefold())
        if criterion is None:
            known = ", ".join(c.code for c in self.edition.active_criteria)
            self.bad(
                row.number,
                "criterion",
                _("không có tiêu chí “%(v)s” (có: %(known)s)", v=code, known=known),
            )
        elif criterion.retired_at is not None:
            self.bad(row.number, "criterion", _("tiêu chí “%(v)s” đã ngừng dùng", v=code))
        else:
            return criterion
        return None

    def _points(self, row, criterion) -> Decimal | None:
        """The row's points when valid for ``criterion``, or None (problem noted)."""
        try:
            value = parse_points(row.get("points"))
        except InvalidPoints as exc:
            self.bad(row.number, "points", str(exc.message))
            return None
        if value is None:
            self.bad(row.number, "points", _("thiếu điểm"))
            return None
        if criterion is not None:
            problem = points_problem(value, criterion)
            if problem:
                self.bad(row.number, "points", problem)
                return None
        return value

    def check_sheets(self, existing: dict[tuple[int, int], ScoreSheet]) -> None:
        """Every sheet complete; no web-submitted sheet changed."""
        active = self.edition.active_criteria
        for sheet in self.sheets.values():
            missing = [
                c.code for c in active if (sheet.entry.id, sheet.email, c.id) not in self.first_row
            ]
            if missing:
                self.bad(
                    sheet.row,
                    "criterion",
                    _(
                        "phiếu của %(judge)s cho hồ sơ %(entry)s thiếu tiêu chí: %(codes)s",
                        judge=sheet.email,
                        entry=sheet.entry.code,
                        codes=", ".join(missing),
                    ),
                )
            user = self.users.get(sheet.email)
            old = existing.get((sheet.entry.id, user.id)) if user else None
            if (
                old is not None
                and old.source == SheetSource.WEB.value
                and old.status == SheetStatus.SUBMITTED.value
                and old.points_by_criterion() != sheet.points
            ):
                self.bad(
                    sheet.row,
                    "judge",
                    _(
                        "%(judge)s đã nộp phiếu trên web cho hồ sơ %(entry)s với điểm khác; "
                        "hãy mở lại phiếu trước khi nhập",
                        judge=sheet.email,
                        entry=sheet.entry.code,
                    ),
                )


def read_file(stream: IO[bytes]):
    """The table of a CSV or XLSX file; an .xls file or an unreadable one → ImportFailed."""
    data = stream.read()
    if data.startswith(OLE2_MAGIC):
        raise ImportFailed(
            [
                RowProblem(
                    None,
                    "",
                    _(
                        "Tệp Excel 97–2003 (.xls) không được hỗ trợ: hãy lưu lại dạng .xlsx "
                        "hoặc CSV UTF-8."
                    ),
                )
            ]
        )
    try:
        return read_table(io.BytesIO(data))
    except TableError as exc:
        raise ImportFailed(exc.problems) from None
