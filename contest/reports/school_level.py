"""School level (cấp học) of a youth author, for the statistics.

Pure functions, no database. An author's level comes from the class they wrote
(``class_or_position``) when it names a grade, else from their age at the edition's reference
date:

=============  ==============  =====================
level          grade (lớp)     age at reference date
=============  ==============  =====================
Tiểu học       1 – 5           6 – 10
THCS           6 – 9           11 – 14
THPT           10 – 12         15 – 19
Khác           anything else   anything else / unknown
=============  ==============  =====================

A class names a grade when it reads "lớp 8", "Lớp 8A", "lớp: 11", "Lop 9" (the word *lớp*
anywhere, then the grade), or when the whole text is a class code starting with the grade:
"8", "8A", "12A1", "10CT", "6/1" (the southern way of writing lớp 6/1). Grades outside 1 – 12
name no grade (the age decides). Technical editions have no school level.

Ages are compared as birth-date ranges (``eligibility.years_before``), the way RULES §1 states
the age rule, so the same bounds work as plain date comparisons in SQL.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import IntEnum

from flask_babel import lazy_gettext as _l

from ..entries.eligibility import years_before


class SchoolLevel(IntEnum):
    """School levels, ordered: an entry's level is the highest level of its authors."""

    OTHER = 0
    PRIMARY = 1
    LOWER_SECONDARY = 2
    UPPER_SECONDARY = 3

    @property
    def label(self):
        """The level as people read it."""
        return LEVEL_LABELS[self]


LEVEL_LABELS = {
    SchoolLevel.PRIMARY: _l("Tiểu học"),
    SchoolLevel.LOWER_SECONDARY: _l("THCS"),
    SchoolLevel.UPPER_SECONDARY: _l("THPT"),
    SchoolLevel.OTHER: _l("Khác"),
}

#: Display order of the levels (Khác last).
LEVEL_ORDER = (
    SchoolLevel.PRIMARY,
    SchoolLevel.LOWER_SECONDARY,
    SchoolLevel.UPPER_SECONDARY,
    SchoolLevel.OTHER,
)

#: ``(first grade, last grade, level)``.
GRADES = ((1, 5, SchoolLevel.PRIMARY), (6, 9, SchoolLevel.LOWER_SECONDARY),
          (10, 12, SchoolLevel.UPPER_SECONDARY))  # fmt: skip
#: ``(min age, max age, level)``, both included.
AGES = ((6, 10, SchoolLevel.PRIMARY), (11, 14, SchoolLevel.LOWER_SECONDARY),
        (15, 19, SchoolLevel.UPPER_SECONDARY))  # fmt: skip

_WORD_GRADE = re.compile(r"(?<![\w])l(?:ớ|o|ơ)p\s*:?\s*(\d{1,2})(?!\d)")
_CODE_GRADE = re.compile(r"^(\d{1,2})(?:[a-z/.\-][\w/.\-]*)?$")


def grade_of(text: str | None) -> int | None:
    """The grade (1 – 12) that ``text`` names, or None (module docstring)."""
    clean = " ".join(unicodedata.normalize("NFC", text or "").casefold().split())
    if not clean:
        return None
    found = _WORD_GRADE.search(clean) or _CODE_GRADE.match(clean)
    if found is None:
        return None
    grade = int(found.group(1))
    return grade if 1 <= grade <= 12 else None


def level_of_grade(grade: int | None) -> SchoolLevel | None:
    """The level of a grade, None for no grade."""
    if grade is None:
        return None
    return next((level for lo, hi, level in GRADES if lo <= grade <= hi), None)


def birth_ranges(reference_date: date) -> list[tuple[date, date, SchoolLevel]]:
    """``(born after, born on or before, level)`` for each age band: an author of age
    ``lo … hi`` at ``reference_date`` was born after ``reference − (hi + 1) years`` and on or
    before ``reference − lo years``."""
    return [
        (years_before(reference_date, hi + 1), years_before(reference_date, lo), level)
        for lo, hi, level in AGES
    ]


def level_of_birth(date_of_birth: date | None, reference_date: date) -> SchoolLevel:
    """The level of an author's age at ``reference_date`` (OTHER outside 6 – 19 or unknown)."""
    if date_of_birth is None:
        return SchoolLevel.OTHER
    for after, until, level in birth_ranges(reference_date):
        if after < date_of_birth <= until:
            return level
    return SchoolLevel.OTHER


def level_of(class_or_position: str | None, date_of_birth: date | None, reference_date: date):
    """An author's level: the class's grade when it names one, else the age's."""
    by_grade = level_of_grade(grade_of(class_or_position))
    return by_grade if by_grade is not None else level_of_birth(date_of_birth, reference_date)
