"""School level of a youth author (contest/reports/school_level.py): the grade a class
names (boundaries lớp 5/6 and 9/10), else the age at the reference date (boundaries 10/11 and
14/15, the 6 and 19 ends, a 29 February), else Khác. Pure: no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from contest.reports.school_level import SchoolLevel as L
from contest.reports.school_level import grade_of, level_of, level_of_birth

REF = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("Lớp 8A", 8), ("8A", 8), ("lớp 11", 11), ("lớp 5", 5), ("Lớp 6", 6), ("9/3", 9),
        ("10", 10), ("12A1", 12), ("LỚP 9", 9), ("Lớp: 7B", 7), ("lop 4", 4),
        ("Học sinh lớp 10 chuyên Toán", 10), ("lớp12", 12), ("  Lớp   1  ", 1),
        ("Lo\u0301\u031bp 3", 3),  # decomposed (NFD-like) spelling of "Lớp"
        ("", None), ("Học sinh", None), ("Giáo viên", None), ("Lớp 13", None), ("lớp 0", None),
        ("1990", None), ("Trưởng phòng 2", None), ("123", None), (None, None),
    ],
)  # fmt: skip
def test_grade_named_by_a_class(text, grade):
    assert grade_of(text) == grade


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Lớp 1", L.PRIMARY), ("lớp 5", L.PRIMARY), ("5C", L.PRIMARY),
        ("lớp 6", L.LOWER_SECONDARY), ("Lớp 9A", L.LOWER_SECONDARY),
        ("lớp 10", L.UPPER_SECONDARY), ("12A1", L.UPPER_SECONDARY),
    ],
)  # fmt: skip
def test_grade_boundaries_win_over_age(text, level):
    # Born 2000: 26 years old, which alone would be Khác; the class decides.
    assert level_of(text, date(2000, 1, 1), REF) == level


def born_aged(years: int, days_before_birthday: int = 0) -> date:
    """A birth date giving ``years`` at REF (``days_before_birthday`` > 0: the birthday that
    would make them one year older is that many days after REF)."""
    birthday = REF.replace(year=REF.year - years)
    return birthday + timedelta(days=days_before_birthday) if days_before_birthday else birthday


@pytest.mark.parametrize(
    ("dob", "level"),
    [
        (born_aged(6, 1), L.OTHER),  # 6 tomorrow: still 5
        (born_aged(6), L.PRIMARY),  # 6th birthday on the reference date
        (born_aged(10), L.PRIMARY),
        (born_aged(11, 1), L.PRIMARY),  # 11 tomorrow: still 10
        (born_aged(11), L.LOWER_SECONDARY),
        (born_aged(14), L.LOWER_SECONDARY),
        (born_aged(15, 1), L.LOWER_SECONDARY),  # 15 tomorrow: still 14
        (born_aged(15), L.UPPER_SECONDARY),
        (born_aged(19), L.UPPER_SECONDARY),
        (born_aged(20, 1), L.UPPER_SECONDARY),  # 20 tomorrow: still 19
        (born_aged(20), L.OTHER),
        (None, L.OTHER),
    ],
)
def test_age_boundaries(dob, level):
    assert level_of_birth(dob, REF) == level
    assert level_of("Học sinh", dob, REF) == level  # a class naming no grade: the age decides


def test_leap_day_birthdays():
    # Born 29/2/2012; on 28/2/2023 they are not yet 11 (RULES §1: 29/2 → 28/2 when absent).
    assert level_of_birth(date(2012, 2, 29), date(2023, 2, 28)) == L.PRIMARY
    assert level_of_birth(date(2012, 2, 29), date(2023, 3, 1)) == L.LOWER_SECONDARY
    # Reference 29/2/2024: born 28/2/2013 is 11 that day.
    assert level_of_birth(date(2013, 2, 28), date(2024, 2, 29)) == L.LOWER_SECONDARY
    assert level_of_birth(date(2013, 3, 1), date(2024, 2, 29)) == L.PRIMARY


def test_labels_and_order():
    levels = (L.PRIMARY, L.LOWER_SECONDARY, L.UPPER_SECONDARY, L.OTHER)
    assert [str(level.label) for level in levels] == ["Tiểu học", "THCS", "THPT", "Khác"]
