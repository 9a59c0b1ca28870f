"""Statistics of an edition for the organizers' page and the summary report.

No HTTP in here. Every count is one set-based query (``GROUP BY`` in the database); the only
Python work is labelling and merging groups.

What is counted, column by column (the same in every table):

* **Đã nộp** (submitted) — entries that reached the organizers and stay: status submitted,
  received, accepted or rejected (drafts and withdrawn entries are not counted), as on the
  intake dashboards.
* **Được chấm** (accepted) — entries accepted for judging (status ``accepted``).
* **Đạt giải** (prizes) — entries in the edition's current publication (the newest version,
  ``PublishedEntry``), in total and per prize level. No publication: no prize columns.

Rows are counted **per entry** (area, field, school level of the entry) or **per author**
(gender, ethnicity, school level of the authors): per author means author rows — someone who
signs two entries counts twice (lượt tác giả). An author's counts follow their entry (the
authors of a submitted entry, of an accepted entry, of a prize-winning entry).

* Area: the district (huyện) the entry's area lies in — the area itself when it is a district,
  its district ancestor for a commune; an area above district level (the province) is its own
  row; no area: "Chưa rõ địa bàn". With a single province in the area tree every district of
  it is listed, with zeros.
* School level (youth editions only; see :mod:`.school_level`): an author's level from the
  class they wrote, else from their age at the reference date; an entry's level is the highest
  of its authors' levels (an entry of a Grade 9 and a Grade 10 pupil is a THPT entry).
* Gender: Nam / Nữ / Không rõ. Ethnicity: Kinh first, then every other named ethnicity (spelling
  variants merged: "tày", "Dân tộc Tày" → Tày), then Không rõ (empty).

Comparison with the previous edition (:func:`previous_edition`): entries submitted and their
authors per area and per field (fields matched by code), with the difference and the % change.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import String, and_, case, cast, distinct, func, null, or_, select
from sqlalchemy.sql.elements import ColumnElement

from ..contests.models import Edition
from ..entries.models import Author, Entry, EntryStatus
from ..entries.queries import COUNTED
from ..extensions import db
from ..publication.models import Publication, PublishedEntry
from ..publication.operations import latest_publication
from .school_level import LEVEL_ORDER, SchoolLevel, birth_ranges, grade_of, level_of_grade
from .statistics_areas import area_key, area_rows, district_of, snapshot_names
from .statistics_compare import (  # noqa: F401 - part of this module's interface
    Change,
    Comparison,
    ComparisonRow,
    compare,
    previous_edition,
)

ACCEPTED = EntryStatus.ACCEPTED.value
PER_ENTRY, PER_AUTHOR = "entry", "author"
GENDER_ORDER = ("M", "F", "")
UNKNOWN = "?"  # the key of "Không rõ" rows


# ---------------------------------------------------------------- shapes


@dataclass
class Counts:
    """Submitted, accepted and prize counts of one row (entries or authors)."""

    submitted: int = 0
    accepted: int = 0
    prizes: Counter = field(default_factory=Counter)  # prize code → n

    @property
    def prized(self) -> int:
        """The number with any prize."""
        return sum(self.prizes.values())

    def add(self, other: Counts) -> None:
        """Add ``other`` into this one."""
        self.submitted += other.submitted
        self.accepted += other.accepted
        self.prizes.update(other.prizes)


@dataclass
class Row:
    """One row of a breakdown: its key (area id, field code, level, gender …) and label."""

    key: object
    label: str
    counts: Counts


@dataclass
class Breakdown:
    """One table: rows that partition the edition's entries (``per == "entry"``) or its
    authors (``per == "author"``)."""

    key: str
    title: str
    per: str
    rows: list[Row]
    label: str = ""  # the header of the rows' column ("Địa bàn", "Lĩnh vực" …)

    @property
    def total(self) -> Counts:
        """The column totals."""
        out = Counts()
        for row in self.rows:
            out.add(row.counts)
        return out

    @property
    def unit_label(self) -> str:
        """What one counts, for the caption."""
        return _("hồ sơ") if self.per == PER_ENTRY else _("lượt tác giả")

    def row(self, key) -> Row | None:
        """The row with ``key``, if any."""
        return next((r for r in self.rows if r.key == key), None)


@dataclass(frozen=True)
class PrizeColumn:
    """A prize level shown as a column."""

    code: str
    name: str


@dataclass
class Summary:
    """The headline numbers."""

    entries_submitted: int = 0
    entries_accepted: int = 0
    entries_rejected: int = 0
    entries_withdrawn: int = 0
    authors: int = 0  # author rows of submitted entries
    authors_female: int = 0
    authors_minority: int = 0  # named ethnicity other than Kinh
    areas: int = 0  # districts (or other known areas) with a submitted entry
    units: int = 0  # distinct sending/applying units of submitted entries
    prizes: int = 0


@dataclass
class EditionStatistics:
    edition: Edition
    publication: Publication | None
    prize_columns: list[PrizeColumn]
    summary: Summary
    breakdowns: list[Breakdown]
    previous: Edition | None
    comparison: Comparison | None

    def breakdown(self, key: str) -> Breakdown | None:
        """The breakdown named ``key`` (``area``, ``field``, ``level``, ``author_level``,
        ``gender``, ``ethnicity``), if shown for this edition."""
        return next((b for b in self.breakdowns if b.key == key), None)


# ---------------------------------------------------------------- the facts


def _facts(edition: Edition, publication: Publication | None):
    """One row per entry that counts: submitted (0/1), accepted (0/1), prize code (or NULL).
    Entries neither submitted nor published are left out."""
    submitted = case((Entry.status.in_(COUNTED), 1), else_=0)
    accepted = case((Entry.status == ACCEPTED, 1), else_=0)
    if publication is None:
        stmt = select(
            Entry.id.label("entry_id"),
            Entry.field_id.label("field_id"),
            Entry.area_id.label("area_id"),
            submitted.label("submitted"),
            accepted.label("accepted"),
            cast(null(), String(20)).label("prize"),
        ).where(Entry.edition_id == edition.id, Entry.status.in_(COUNTED))
        return stmt.subquery("facts")
    stmt = (
        select(
            Entry.id.label("entry_id"),
            Entry.field_id.label("field_id"),
            Entry.area_id.label("area_id"),
            submitted.label("submitted"),
            accepted.label("accepted"),
            PublishedEntry.prize_code.label("prize"),
        )
        .outerjoin(
            PublishedEntry,
            and_(
                PublishedEntry.entry_id == Entry.id,
                PublishedEntry.publication_id == publication.id,
            ),
        )
        .where(
            Entry.edition_id == edition.id,
            or_(Entry.status.in_(COUNTED), PublishedEntry.id.is_not(None)),
        )
    )
    return stmt.subquery("facts")


def _count_by(key, facts, *, per_author: bool = False, join=None) -> dict[object, Counts]:
    """Counts per value of ``key`` over the entries of ``facts`` (or over their authors).

    The key is computed in an inner query and grouped on outside: PostgreSQL cannot match a
    ``GROUP BY`` expression holding bound parameters with the same expression in the
    ``SELECT`` list."""
    inner = select(key.label("k"), facts.c.prize, facts.c.submitted, facts.c.accepted).select_from(
        facts
    )
    if per_author:
        inner = inner.join(Author, Author.entry_id == facts.c.entry_id)
    if join is not None:
        inner = join(inner)
    rows = inner.subquery("keyed")
    stmt = select(
        rows.c.k, rows.c.prize, func.sum(rows.c.submitted), func.sum(rows.c.accepted), func.count()
    ).group_by(rows.c.k, rows.c.prize)
    out: dict[object, Counts] = {}
    for key_value, prize, submitted, accepted, n in db.session.execute(stmt):
        counts = out.setdefault(key_value, Counts())
        counts.submitted += int(submitted or 0)
        counts.accepted += int(accepted or 0)
        if prize is not None:
            counts.prizes[prize] += int(n)
    return out


# ---------------------------------------------------------------- areas


def _by_area(facts) -> Breakdown:
    tree = district_of()
    key = area_key(facts.c.area_id, tree)
    counts = _count_by(
        key, facts, join=lambda s: s.outerjoin(tree, tree.c.area_id == facts.c.area_id)
    )
    names = snapshot_names(facts, tree)
    rows = [Row(k, label, counts.get(k, Counts())) for k, label in area_rows(counts, names)]
    return Breakdown("area", _("Theo địa bàn"), PER_ENTRY, rows, _("Địa bàn"))


# ---------------------------------------------------------------- fields


def _by_field(edition: Edition, facts) -> Breakdown:
    counts = _count_by(facts.c.field_id, facts)
    rows = [Row(f.code, f.name, counts.get(f.id, Counts())) for f in edition.fields]
    return Breakdown("field", _("Theo lĩnh vực"), PER_ENTRY, rows, _("Lĩnh vực"))


# ---------------------------------------------------------------- school levels


def level_expression(edition: Edition) -> ColumnElement:
    """SQL for an author's school level (an integer of :class:`SchoolLevel`): the grade of
    the class when it names one — the distinct class texts of the edition are read once and
    classified here —, else the age band of the birth date, else OTHER."""
    texts = db.session.scalars(
        select(Author.class_or_position)
        .join(Entry, Entry.id == Author.entry_id)
        .where(Entry.edition_id == edition.id)
        .group_by(Author.class_or_position)
    ).all()
    by_level: dict[SchoolLevel, list[str]] = {}
    for text in texts:
        level = level_of_grade(grade_of(text))
        if level is not None:
            by_level.setdefault(level, []).append(text)
    whens: list[tuple[ColumnElement[bool], int]] = [
        (Author.class_or_position.in_(values), int(level))
        for level, values in sorted(by_level.items())
    ]
    for after, until, level in birth_ranges(edition.reference_date):
        whens.append(
            (and_(Author.date_of_birth > after, Author.date_of_birth <= until), int(level))
        )
    return case(*whens, else_=int(SchoolLevel.OTHER))


def _level_rows(counts: dict) -> list[Row]:
    return [Row(int(lv), str(lv.label), counts.get(int(lv), Counts())) for lv in LEVEL_ORDER]


def _by_level(edition: Edition, facts, level) -> tuple[Breakdown, Breakdown]:
    """Entries per level (the highest of their authors') and authors per level."""
    authors = _count_by(level, facts, per_author=True)
    per_entry = (
        select(
            facts.c.entry_id,
            facts.c.submitted,
            facts.c.accepted,
            facts.c.prize,
            func.coalesce(func.max(level), int(SchoolLevel.OTHER)).label("level"),
        )
        .select_from(facts)
        .outerjoin(Author, Author.entry_id == facts.c.entry_id)
        .group_by(facts.c.entry_id, facts.c.submitted, facts.c.accepted, facts.c.prize)
        .subquery("entry_levels")
    )
    entries = _count_by(per_entry.c.level, per_entry)
    return (
        Breakdown(
            "level", _("Theo cấp học (hồ sơ)"), PER_ENTRY, _level_rows(entries), _("Cấp học")
        ),
        Breakdown(
            "author_level",
            _("Theo cấp học (tác giả)"),
            PER_AUTHOR,
            _level_rows(authors),
            _("Cấp học"),
        ),
    )


# ---------------------------------------------------------------- gender, ethnicity


def gender_label(code: str) -> str:
    """Nam / Nữ / Không rõ."""
    return {"M": _("Nam"), "F": _("Nữ")}.get(code or "", _("Không rõ"))


def _by_gender(facts) -> Breakdown:
    counts = _count_by(Author.gender, facts, per_author=True)
    rows = [Row(g or UNKNOWN, gender_label(g), counts.get(g, Counts())) for g in GENDER_ORDER]
    return Breakdown("gender", _("Theo giới tính"), PER_AUTHOR, rows, _("Giới tính"))


KINH = "kinh"


def ethnicity_key(text: str | None) -> str:
    """The merge key of an ethnicity as typed: NFC, spaces collapsed, case folded, without a
    leading "dân tộc"; ``""`` when empty."""
    clean = " ".join(unicodedata.normalize("NFC", text or "").split()).casefold()
    for prefix in ("dân tộc ", "dt. ", "dt "):
        if clean.startswith(prefix):
            clean = clean[len(prefix) :].strip()
    return clean


def ethnicity_label(text: str) -> str:
    """How to show an ethnicity typed as ``text``: as typed unless all one case ("tày" →
    "Tày", "Ê ĐÊ" → "Ê Đê")."""
    clean = " ".join(unicodedata.normalize("NFC", text or "").split())
    low = clean.casefold()
    for prefix in ("dân tộc ", "dt. ", "dt "):
        if low.startswith(prefix):
            clean = clean[len(prefix) :].strip()
            break
    if clean == clean.lower() or clean == clean.upper():
        clean = clean.title()
    return clean


def _by_ethnicity(facts) -> Breakdown:
    """Authors per ethnicity: Kinh, the other named ones (most authors first), Không rõ."""
    raw = _count_by(Author.ethnicity, facts, per_author=True)
    merged: dict[str, Counts] = {}
    spellings: dict[str, Counter] = {}  # merge key → how often each spelling was typed
    for text, counts in raw.items():
        assert text is None or isinstance(text, str)  # the values of Author.ethnicity
        key = ethnicity_key(text)
        merged.setdefault(key, Counts()).add(counts)
        spellings.setdefault(key, Counter())[text] += counts.submitted + counts.prized
    label = {k: ethnicity_label(spellings[k].most_common(1)[0][0]) for k in merged if k}
    named = sorted((k for k in label if k != KINH), key=lambda k: (-merged[k].submitted, label[k]))
    rows = [Row(KINH, _("Kinh"), merged.get(KINH, Counts()))]
    rows += [Row(k, label[k], merged[k]) for k in named]
    rows.append(Row(UNKNOWN, _("Không rõ"), merged.get("", Counts())))
    return Breakdown("ethnicity", _("Theo dân tộc"), PER_AUTHOR, rows, _("Dân tộc"))


# ---------------------------------------------------------------- summary


def _summary(edition: Edition, facts, breakdowns: list[Breakdown]) -> Summary:
    statuses = dict(
        db.session.execute(
            select(Entry.status, func.count(Entry.id))
            .where(Entry.edition_id == edition.id)
            .group_by(Entry.status)
        ).all()
    )
    units = db.session.execute(
        select(
            func.count(distinct(Entry.unit_id)),
            func.count(distinct(case((Entry.unit_id.is_(None), func.nullif(Entry.unit_name, ""))))),
        ).where(Entry.edition_id == edition.id, Entry.status.in_(COUNTED))
    ).one()
    by = {b.key: b for b in breakdowns}
    gender, ethnicity, area = by["gender"], by["ethnicity"], by["area"]
    female = gender.row("F")
    return Summary(
        entries_submitted=sum(statuses.get(s, 0) for s in COUNTED),
        entries_accepted=statuses.get(ACCEPTED, 0),
        entries_rejected=statuses.get(EntryStatus.REJECTED.value, 0),
        entries_withdrawn=statuses.get(EntryStatus.WITHDRAWN.value, 0),
        authors=gender.total.submitted,
        authors_female=female.counts.submitted if female else 0,
        authors_minority=sum(
            r.counts.submitted for r in ethnicity.rows if r.key not in (KINH, UNKNOWN)
        ),
        areas=sum(1 for r in area.rows if r.key is not None and r.counts.submitted),
        units=int(units[0] or 0) + int(units[1] or 0),
        prizes=by["field"].total.prized,
    )


# ---------------------------------------------------------------- everything


def prize_columns(edition: Edition, publication: Publication | None) -> list[PrizeColumn]:
    """The prize levels of the edition in order, then any other level the publication holds
    (a level since removed); none without a publication."""
    if publication is None:
        return []
    levels = sorted(edition.prizes, key=lambda p: (p.position, p.id))
    out = [PrizeColumn(p.code, p.name) for p in levels]
    known = {p.code for p in levels}
    extra = db.session.execute(
        select(PublishedEntry.prize_code, PublishedEntry.prize_name)
        .where(PublishedEntry.publication_id == publication.id)
        .group_by(PublishedEntry.prize_code, PublishedEntry.prize_name)
    ).all()
    out += [PrizeColumn(code, name) for code, name in extra if code not in known]
    return out


def edition_statistics(
    edition: Edition, publication: Publication | None = None
) -> EditionStatistics:
    """Every table of the statistics page and the report for ``edition`` (the prizes of
    ``publication``, default its newest version)."""
    if publication is None:
        publication = latest_publication(edition)
    facts = _facts(edition, publication)
    breakdowns = [_by_area(facts), _by_field(edition, facts)]
    if edition.kind == "youth":
        breakdowns += list(_by_level(edition, facts, level_expression(edition)))
    breakdowns += [_by_gender(facts), _by_ethnicity(facts)]
    previous = previous_edition(edition)
    return EditionStatistics(
        edition=edition,
        publication=publication,
        prize_columns=prize_columns(edition, publication),
        summary=_summary(edition, facts, breakdowns),
        breakdowns=breakdowns,
        previous=previous,
        comparison=compare(edition, previous) if previous is not None else None,
    )


def winners_by_level(publication: Publication | None) -> list[tuple[str, list[PublishedEntry]]]:
    """The publication's winners grouped by prize level (highest first), each group in the
    list's order (field, rank, code)."""
    if publication is None:
        return []
    entries = db.session.scalars(
        select(PublishedEntry)
        .where(PublishedEntry.publication_id == publication.id)
        .order_by(PublishedEntry.prize_position, PublishedEntry.position)
    ).all()
    groups: dict[tuple[int, str], list[PublishedEntry]] = {}
    for entry in entries:
        groups.setdefault((entry.prize_position, entry.prize_name), []).append(entry)
    return [(name, items) for (_pos, name), items in groups.items()]
