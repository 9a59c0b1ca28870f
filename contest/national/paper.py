"""The registration form (phiếu đăng ký dự thi) of one entry sent to the national contest, as
PDF, with the provincial result.

The form goes to the national organizers, so it carries the full registration: edition, field
(and board), title, code, unit, area, summary, the authors with every detail (date of birth,
gender, ethnicity, organisation, class or position, phone, e-mail), the representative, the
mentor (youth) or where the solution was applied (technical), and the list of files. A second
part gives the provincial result: the published score, rank and prize, each judge's sheet
total of the round the publication was made from — anonymised as "Giám khảo 1, 2, …" — and
why the entry was chosen. The PDF is built only inside the organizers' dossier job.

Rendered from ``templates/national/form_pdf.html`` and
``static/css/national_form.css`` by WeasyPrint with the DejaVu fonts, as the judges' paper
sheets are (:mod:`contest.judging.paper`); every text is NFC-normalised.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from ..contests.models import Edition
from ..entries.completeness import attachment_label
from ..entries.models import GENDER_LABELS, Entry
from ..extensions import db
from ..judging.paper import nfc
from ..judging.totals import from_halves, sheet_totals
from ..publication.models import Publication, PublishedEntry
from ..results.flags import Flag
from ..results.models import ResultRow
from ..results.review import band_text, number
from ..timeutil import format_local

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "national_form.css"


@dataclass
class AuthorLine:
    """One author as the form prints it."""

    position: int
    name: str
    born: str
    gender: str
    ethnicity: str
    organisation: str
    class_or_position: str
    phone: str
    email: str
    representative: bool


@dataclass
class FileLine:
    """One file of the dossier as the form lists it: kind, name in the folder, size, and a
    note when it could not be copied."""

    kind: str
    name: str
    size: int
    note: str = ""

    @property
    def size_text(self) -> str:
        """The size as people read it."""
        return size_text(self.size)


@dataclass
class ScoreSummary:
    """The provincial result of one entry: from the publication and its results run."""

    score: str = "—"
    rank: int | None = None
    prize: str = ""
    decided: bool = False
    panel: bool = False
    #: ("Giám khảo 1", "90") … in the order the sheets were created.
    judges: list[tuple[str, str]] = field(default_factory=list)
    #: The round's submitted sheets differ from those the run was computed on.
    changed_since: bool = False


@dataclass
class FormData:
    """Everything one registration form shows (texts NFC-normalised)."""

    number: int
    contest: str
    edition_title: str
    organizing_units: str
    technical: bool
    code: str
    title: str
    field_name: str
    board_name: str
    unit_heading: str
    unit: str
    area: str
    summary: str
    applied_at: str
    applied_where: str
    mentor: list[tuple[str, str]]
    authors: list[AuthorLine]
    representative: AuthorLine | None
    attachments: list[FileLine]
    scores: ScoreSummary
    publication: str
    why: str


def size_text(size: int) -> str:
    """A file size as people read it (Vietnamese decimal comma)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def author_lines(entry: Entry) -> list[AuthorLine]:
    """The entry's authors in order."""
    return [
        AuthorLine(
            a.position,
            nfc(a.full_name),
            _date(a.date_of_birth),
            str(GENDER_LABELS.get(a.gender, "")) if a.gender else "",
            nfc(a.ethnicity),
            nfc(a.organisation),
            nfc(a.class_or_position),
            nfc(a.phone),
            nfc(a.email),
            a is entry.representative,
        )
        for a in sorted(entry.authors, key=lambda a: a.position)
    ]


def score_summaries(
    edition: Edition, publication: Publication, entries: list[PublishedEntry]
) -> dict[int, ScoreSummary]:
    """Entry id → its provincial result, for ``entries`` of ``publication`` (two queries:
    the run's rows and the round's submitted sheet totals, summed in half points)."""
    ids = [e.entry_id for e in entries]
    rows = {
        r.entry_id: r
        for r in db.session.scalars(
            select(ResultRow).where(
                ResultRow.run_id == publication.run_id, ResultRow.entry_id.in_(ids)
            )
        )
    }
    sheet = sheet_totals(publication.round)  # the criteria that count (judging.totals)
    stmt = (
        select(sheet.c.entry_id, sheet.c.halves)
        .where(sheet.c.entry_id.in_(ids))
        .order_by(sheet.c.entry_id, sheet.c.sheet_id)
    )
    totals: dict[int, list[Decimal]] = defaultdict(list)
    for entry_id, half_points in db.session.execute(stmt):
        totals[entry_id].append(from_halves(half_points))
    out = {}
    for entry in entries:
        row = rows.get(entry.entry_id)
        sheets = totals.get(entry.entry_id, [])
        changed = row is not None and _sheets_changed(sheets, row.explanation or {})
        out[entry.entry_id] = ScoreSummary(
            score=number(entry.score),
            rank=entry.rank,
            prize=nfc(entry.prize_name),
            decided=entry.decided,
            panel=row is not None and Flag.PANEL_SCORE in row.flag_list,
            judges=[
                (_("Giám khảo %(n)d", n=n), band_text(total))
                for n, total in enumerate(sheets, start=1)
            ],
            changed_since=changed,
        )
    return out


def file_label(kind: str) -> str:
    """The name of an attachment kind (NFC)."""
    return nfc(attachment_label(kind))


def _sheets_changed(totals: list[Decimal], explanation: dict) -> bool:
    """True when the round's submitted sheet totals differ from those the run was computed
    on (their count, smallest and largest), as the review page tells it."""
    if len(totals) != explanation.get("sheets", 0):
        return True
    if not totals:
        return False
    recorded = (Decimal(str(explanation.get("min"))), Decimal(str(explanation.get("max"))))
    return (min(totals), max(totals)) != recorded


def form_data(
    number_: int,
    entry: Entry,
    published: PublishedEntry,
    scores: ScoreSummary,
    publication: Publication,
    why: str,
) -> FormData:
    """The registration form of ``entry`` (its current registration data) sent as item
    ``number_`` of the national list."""
    edition = entry.edition
    technical = edition.kind == "technical"
    mentor = []
    if not technical:
        for label, value in (
            (_("Họ và tên"), entry.mentor_name),
            (_("Đơn vị công tác"), entry.mentor_unit),
            (_("Số điện thoại"), entry.mentor_phone),
            (_("E-mail"), entry.mentor_email),
        ):
            if value:
                mentor.append((label, nfc(value)))
    authors = author_lines(entry)
    return FormData(
        number=number_,
        contest=nfc(str(edition.contest_kind.label)),
        edition_title=nfc(edition.title),
        organizing_units=nfc(edition.organizing_units),
        technical=technical,
        code=nfc(entry.code),
        title=nfc(entry.title),
        field_name=nfc(entry.field.name if entry.field else published.field_name),
        board_name=nfc(entry.board.name if entry.board else ""),
        unit_heading=_("Đơn vị áp dụng") if technical else _("Đơn vị cử dự thi"),
        unit=nfc(entry.unit_label),
        area=nfc(entry.area_label),
        summary=nfc(entry.summary),
        applied_at=_date(entry.applied_at),
        applied_where=nfc(entry.applied_where),
        mentor=mentor,
        authors=authors,
        representative=next((a for a in authors if a.representative), None),
        attachments=[
            FileLine(file_label(a.kind), nfc(a.original_name), a.size_bytes)
            for a in entry.attachments
        ],
        scores=scores,
        publication=_(
            "Kết quả công bố phiên bản %(v)d ngày %(d)s",
            v=publication.version,
            d=format_local(publication.published_at, "%d/%m/%Y"),
        ),
        why=nfc(why),
    )


def _no_fetch(url: str, *args, **kwargs):
    """Refuse every external resource: the template is self-contained."""
    raise ValueError(f"external resource refused: {url}")


def render_html(data: FormData) -> str:
    """The printable HTML of one form."""
    return render_template("national/form_pdf.html", form=data)


def render_pdf(data: FormData) -> bytes:
    """One form as PDF bytes (WeasyPrint; no external resource is fetched)."""
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=str(STYLESHEET), url_fetcher=_no_fetch)
    return HTML(string=render_html(data), url_fetcher=_no_fetch).write_pdf(stylesheets=[stylesheet])
