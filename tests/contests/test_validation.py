"""The rules on a spec built without JSON (as forms will build it)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from contest.contests.spec import PrizeSpec, RoundSpec
from contest.contests.templates import template_spec
from contest.contests.validation import InvalidEdition, Problem, Severity, check_spec
from tests.contests.conftest import local


def spec(kind="technical"):
    return template_spec(kind, "stkt-2026", "Hội thi", local(2026, 7, 31, 17))


def errors(s):
    return [str(p) for p in check_spec(s) if p.severity == Severity.ERROR]


def test_template_is_clean():
    assert check_spec(spec()) == []


def test_ranges_checked_on_a_spec():
    s = spec()
    s.judges_per_entry = 0
    s.max_authors = 0
    s.discrepancy_threshold = Decimal(-1)
    s.prizes[1].quota = -3
    s.prizes[1].amount_vnd = -1
    s.rounds = [RoundSpec("prelim", Decimal("100.5")), RoundSpec("final")]
    assert errors(s) == [
        "max_authors: phải là số nguyên ≥ 1",
        "judges_per_entry: phải là số nguyên ≥ 1",
        "discrepancy_threshold: phải từ 0 đến 100",
        "rounds[0].cutoff: phải từ 0 đến 100",
        "prizes[1].quota: phải là số nguyên ≥ 0",
        "prizes[1].amount_vnd: phải là số nguyên ≥ 0",
    ]


def test_prize_codes_unique_and_bands_decrease_with_level():
    s = spec()
    s.prizes.append(PrizeSpec("first", "Giải Nhất bis", Decimal(50), 1, "field"))
    assert errors(s) == ["prizes[6].code: mã 'first' bị trùng"]
    s = spec()
    s.prizes[4].min_score = Decimal(65)  # Khuyến khích equal to Ba
    assert errors(s) == [
        "prizes[4].min_score: mức điểm phải thấp hơn mức của giải đứng trước (65, prizes[3]); "
        "giải cao hơn đứng trước"
    ]


def test_deadline_after_opening():
    s = replace(spec(), opens_at=local(2026, 7, 31, 17))
    assert errors(s) == ["submission_deadline: hạn nộp hồ sơ phải sau thời điểm mở nhận hồ sơ"]
    assert errors(replace(s, opens_at=local(2026, 7, 31, 16, 59))) == []


def test_sum_not_100_is_only_a_warning():
    s = spec("youth")
    s.criteria[3].max_points = Decimal("12.5")
    problems = check_spec(s)
    assert [p.severity for p in problems] == [Severity.WARNING]
    assert "102,5" in problems[0].message


def test_invalid_edition_sorts_problems():
    exc = InvalidEdition(
        [
            Problem("a", "x"),
            Problem("b", "y", Severity.WARNING),
            Problem("c", "z", Severity.OVERRIDE),
        ]
    )
    assert [p.path for p in exc.errors] == ["a"]
    assert [p.path for p in exc.warnings] == ["b"]
    assert [p.path for p in exc.overrides] == ["c"]
    assert str(Problem("", "chỉ thông báo")) == "chỉ thông báo"
