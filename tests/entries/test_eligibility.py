"""Eligibility (RULES.md §1) at every boundary: age band, author count, applied since."""

from __future__ import annotations

from datetime import date

import pytest

from contest.entries.eligibility import (
    AuthorFacts,
    Rules,
    age_on,
    birth_date_range,
    check_applied,
    check_author_count,
    check_birth_date,
    check_entry,
    years_before,
)

RULES_2020 = Rules("youth", date(2020, 7, 31), 6, 19, 5)


@pytest.mark.parametrize(
    ("born", "eligible"),
    [
        (date(2001, 7, 30), False),  # one day too old
        (date(2001, 7, 31), True),  # earliest, included (the RULES example)
        (date(2001, 8, 1), True),
        (date(2010, 1, 1), True),
        (date(2014, 7, 30), True),
        (date(2014, 7, 31), True),  # latest, included (the RULES example)
        (date(2014, 8, 1), False),  # one day too young
    ],
)
def test_age_band_rules_example(born, eligible):
    problem = check_birth_date(RULES_2020, AuthorFacts("Lê Văn Minh", born))
    assert (problem is None) == eligible
    if not eligible:
        assert problem.code == "age"


def test_range_is_the_rules_example():
    assert birth_date_range(RULES_2020) == (date(2001, 7, 31), date(2014, 7, 31))


def test_message_names_the_author_and_the_allowed_range():
    problem = check_birth_date(RULES_2020, AuthorFacts("Lê Văn Minh", date(2014, 8, 1)), 1)
    assert problem.author == 1
    assert "Lê Văn Minh" in problem.message
    assert "01/08/2014" in problem.message
    assert "31/07/2001" in problem.message and "31/07/2014" in problem.message
    assert "từ 6 đến 19 tuổi" in problem.message


def test_unnamed_author_is_named_by_position():
    problem = check_birth_date(RULES_2020, AuthorFacts("  ", None), 2)
    assert problem.code == "birth_date_missing"
    assert "Tác giả thứ 3" in problem.message


@pytest.mark.parametrize(
    ("reference", "years", "expected"),
    [
        (date(2024, 2, 29), 19, date(2005, 2, 28)),  # 2005 has no 29 February
        (date(2024, 2, 29), 6, date(2018, 2, 28)),
        (date(2024, 2, 29), 4, date(2020, 2, 29)),  # a leap year keeps it
        (date(2025, 3, 1), 19, date(2006, 3, 1)),
    ],
)
def test_years_before_29_february(reference, years, expected):
    assert years_before(reference, years) == expected


def test_29_february_reference_boundaries():
    rules = Rules("youth", date(2024, 2, 29), 6, 19, 5)
    assert birth_date_range(rules) == (date(2005, 2, 28), date(2018, 2, 28))
    ok = lambda born: check_birth_date(rules, AuthorFacts("A", born)) is None  # noqa: E731
    assert not ok(date(2005, 2, 27))
    assert ok(date(2005, 2, 28))
    assert ok(date(2018, 2, 28))
    assert not ok(date(2018, 3, 1))


def test_no_age_band_accepts_anyone_even_without_birth_date():
    rules = Rules("technical", date(2025, 7, 31), None, None, 10)
    assert birth_date_range(rules) is None
    assert check_birth_date(rules, AuthorFacts("Ông Già", date(1930, 1, 1))) is None
    assert check_birth_date(rules, AuthorFacts("Ông Già", None)) is None


@pytest.mark.parametrize(
    ("count", "code"), [(0, "no_author"), (1, None), (5, None), (6, "too_many_authors")]
)
def test_author_count_boundaries(count, code):
    problem = check_author_count(RULES_2020, count)
    assert (problem.code if problem else None) == code
    if code == "too_many_authors":
        assert "tối đa 5 tác giả" in problem.message and "6" in problem.message


TECH = Rules("technical", date(2025, 7, 31), None, None, 10, applied_since=date(2019, 1, 1))


@pytest.mark.parametrize(
    ("applied", "today", "code"),
    [
        (None, None, "applied_missing"),
        (date(2018, 12, 31), None, "applied_too_early"),
        (date(2019, 1, 1), None, None),  # the cut-off day itself is accepted
        (date(2025, 7, 1), date(2025, 7, 1), None),
        (date(2025, 7, 2), date(2025, 7, 1), "applied_in_future"),
    ],
)
def test_applied_since_boundaries(applied, today, code):
    problem = check_applied(TECH, applied, today)
    assert (problem.code if problem else None) == code


def test_applied_message_gives_both_dates():
    problem = check_applied(TECH, date(2018, 12, 31))
    assert "01/01/2019" in problem.message and "31/12/2018" in problem.message


def test_youth_entries_need_no_application_date():
    assert check_applied(RULES_2020, None) is None


def test_check_entry_lists_every_problem_in_order():
    authors = [AuthorFacts("Cao Bé", date(2016, 1, 1))] + [
        AuthorFacts(f"Người {i}", date(2008, 1, 1)) for i in range(5)
    ]
    problems = check_entry(RULES_2020, authors)
    assert [p.code for p in problems] == ["too_many_authors", "age"]
    assert problems[1].author == 0


def test_technical_without_applied_since_still_needs_a_date():
    rules = Rules("technical", date(2025, 7, 31), None, None, 10)
    assert [p.code for p in check_entry(rules, [AuthorFacts("A")])] == ["applied_missing"]
    assert check_entry(rules, [AuthorFacts("A")], date(2001, 1, 1)) == []


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [(date(2010, 8, 1), date(2020, 7, 31), 9), (date(2010, 7, 31), date(2020, 7, 31), 10)],
)
def test_age_on(born, day, age):
    assert age_on(born, day) == age
