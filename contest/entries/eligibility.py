"""Who may enter: the eligibility rules of RULES.md §1, as pure functions.

No database and no clock in here: callers pass the edition's rules (:class:`Rules`, or
:meth:`Rules.from_edition`) and the authors' facts.

* **Age band** at the reference date: an author is eligible when
  ``reference_date − max_age years ≤ date_of_birth ≤ reference_date − min_age years``,
  both ends included (deadline 31/7/2020, ages 6–19 → born 31/7/2001 … 31/7/2014).
  "N years before" a 29 February is the 28 February when that year has no 29 February
  (reference 29/2/2024, ages 6–19 → born 28/2/2005 … 28/2/2018), as Excel's
  ``EDATE(reference; −12·N)`` computes it: whoever reached N years on the reference date
  is inside the band.
* **Author count**: 1 … ``max_authors``.
* **Technical entries**: the solution must be applied in practice — a date of first
  application is required and must be on or after the edition's ``applied_since`` (and not
  after ``today`` when the caller gives it).

Messages are Vietnamese (gettext msgids), name the author and give the allowed range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _

if TYPE_CHECKING:
    from ..contests.models import Edition


@dataclass(frozen=True)
class Rules:
    """The eligibility settings of an edition."""

    kind: str
    reference_date: date
    age_min: int | None = None
    age_max: int | None = None
    max_authors: int = 10
    applied_since: date | None = None

    @classmethod
    def from_edition(cls, edition: Edition) -> Rules:
        """The rules of ``edition`` (anything with the Edition attribute names)."""
        return cls(
            kind=edition.kind,
            reference_date=edition.reference_date,
            age_min=edition.age_min,
            age_max=edition.age_max,
            max_authors=edition.max_authors,
            applied_since=edition.applied_since,
        )

    @property
    def technical(self) -> bool:
        """True for the Technical Innovation Contest (applied solutions only)."""
        return self.kind == "technical"


@dataclass(frozen=True)
class AuthorFacts:
    """What eligibility needs to know of an author."""

    full_name: str
    date_of_birth: date | None = None


@dataclass(frozen=True)
class Ineligibility:
    """One broken rule. ``code``: ``no_author``, ``too_many_authors``, ``birth_date_missing``,
    ``age``, ``applied_missing``, ``applied_too_early``, ``applied_in_future``;
    ``author`` is the 0-based index of the author concerned (None for the entry)."""

    code: str
    message: str
    author: int | None = None

    def __str__(self) -> str:
        return self.message


def dmy(day: date) -> str:
    """A date the Vietnamese way: 31/07/2020."""
    return day.strftime("%d/%m/%Y")


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` years earlier; 29 February → 28 February when that
    year has none."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def birth_date_range(rules: Rules) -> tuple[date, date] | None:
    """``(earliest, latest)`` allowed birth dates, both included; None without an age band."""
    if rules.age_min is None or rules.age_max is None:
        return None
    return (
        years_before(rules.reference_date, rules.age_max),
        years_before(rules.reference_date, rules.age_min),
    )


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on ``day`` (for statistics; eligibility uses the date range)."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (1 if before_birthday else 0)


def _name(author: AuthorFacts, index: int) -> str:
    return author.full_name.strip() or _("Tác giả thứ %(n)d", n=index + 1)


def check_birth_date(rules: Rules, author: AuthorFacts, index: int = 0) -> Ineligibility | None:
    """The age-band problem of one author, if any (None when the edition has no band)."""
    bounds = birth_date_range(rules)
    if bounds is None:
        return None
    earliest, latest = bounds
    name = _name(author, index)
    if author.date_of_birth is None:
        return Ineligibility(
            "birth_date_missing",
            _("%(name)s: chưa có ngày sinh (cần để xét độ tuổi dự thi).", name=name),
            index,
        )
    if earliest <= author.date_of_birth <= latest:
        return None
    return Ineligibility(
        "age",
        _(
            "%(name)s (sinh ngày %(dob)s) không trong độ tuổi dự thi: lần thi này nhận tác giả "
            "từ %(min)d đến %(max)d tuổi tính đến ngày %(ref)s, tức là sinh từ ngày "
            "%(earliest)s đến ngày %(latest)s.",
            name=name,
            dob=dmy(author.date_of_birth),
            min=rules.age_min,
            max=rules.age_max,
            ref=dmy(rules.reference_date),
            earliest=dmy(earliest),
            latest=dmy(latest),
        ),
        index,
    )


def check_author_count(rules: Rules, count: int) -> Ineligibility | None:
    """The author-count problem, if any: 1 … ``max_authors``."""
    if count < 1:
        return Ineligibility("no_author", _("Hồ sơ cần có ít nhất một tác giả."))
    if count > rules.max_authors:
        return Ineligibility(
            "too_many_authors",
            _(
                "Lần thi này cho phép tối đa %(max)d tác giả mỗi hồ sơ; hồ sơ đang có %(n)d.",
                max=rules.max_authors,
                n=count,
            ),
        )
    return None


def check_applied(
    rules: Rules, applied_at: date | None, today: date | None = None
) -> Ineligibility | None:
    """The technical contest's "applied in practice" problem, if any (None for youth)."""
    if not rules.technical:
        return None
    if applied_at is None:
        return Ineligibility(
            "applied_missing",
            _("Giải pháp dự thi phải đã được áp dụng vào thực tiễn: hãy ghi ngày bắt đầu áp dụng."),
        )
    if rules.applied_since is not None and applied_at < rules.applied_since:
        return Ineligibility(
            "applied_too_early",
            _(
                "Lần thi này chỉ nhận giải pháp được áp dụng từ ngày %(since)s trở đi; ngày áp "
                "dụng đã khai là %(date)s.",
                since=dmy(rules.applied_since),
                date=dmy(applied_at),
            ),
        )
    if today is not None and applied_at > today:
        return Ineligibility(
            "applied_in_future",
            _(
                "Ngày bắt đầu áp dụng (%(date)s) chưa đến: chỉ nhận giải pháp đã được áp dụng.",
                date=dmy(applied_at),
            ),
        )
    return None


def check_authors(rules: Rules, authors: Sequence[AuthorFacts]) -> list[Ineligibility]:
    """Author count, then each author's age band, in author order."""
    problems = []
    if count_problem := check_author_count(rules, len(authors)):
        problems.append(count_problem)
    for index, author in enumerate(authors):
        if problem := check_birth_date(rules, author, index):
            problems.append(problem)
    return problems


def check_entry(
    rules: Rules,
    authors: Sequence[AuthorFacts],
    applied_at: date | None = None,
    today: date | None = None,
) -> list[Ineligibility]:
    """Every eligibility problem of an entry (empty: eligible)."""
    problems = check_authors(rules, authors)
    if applied := check_applied(rules, applied_at, today):
        problems.append(applied)
    return problems
