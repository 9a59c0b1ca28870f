"""Pure helpers of the pages: the birth-date range of the age rule, the time left, the
timeline steps, Vietnamese key paths and values, slug suggestions, the parsing fields."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from contest.contests import operations
from contest.contests.form_fields import AmountInput, DecimalInput, LocalDateTimeInput
from contest.contests.labels import describe_path, describe_value
from contest.contests.pages_support import (
    Remaining,
    birth_date_range,
    suggest_next_slug,
    time_remaining,
    timeline_steps,
)
from contest.contests.timeline import Phase
from contest.entries.eligibility import years_before
from contest.extensions import db
from contest.timeutil import LOCAL_TZ


@pytest.mark.parametrize(
    ("ref", "ages", "expected"),
    [
        # RULES.md §1: deadline 31/7/2020, ages 6–19 → born 31/7/2001 … 31/7/2014
        (date(2020, 7, 31), (6, 19), (date(2001, 7, 31), date(2014, 7, 31))),
        (date(2025, 5, 31), (6, 18), (date(2007, 5, 31), date(2019, 5, 31))),
        # 29 February in a year without it becomes 28 February
        (date(2024, 2, 29), (6, 19), (date(2005, 2, 28), date(2018, 2, 28))),
    ],
)
def test_birth_date_range(ref, ages, expected):
    edition = SimpleNamespace(reference_date=ref, age_min=ages[0], age_max=ages[1])
    assert birth_date_range(edition) == expected


def test_no_age_band_no_range():
    edition = SimpleNamespace(reference_date=date(2025, 7, 31), age_min=None, age_max=None)
    assert birth_date_range(edition) is None


def test_years_before():
    assert years_before(date(2028, 2, 29), 4) == date(2024, 2, 29)
    assert years_before(date(2028, 2, 29), 1) == date(2027, 2, 28)


def test_time_remaining():
    now = datetime(2026, 7, 20, 7, 30, 15, tzinfo=UTC)
    deadline = datetime(2026, 7, 31, 10, 0, tzinfo=UTC)
    assert time_remaining(deadline, now) == Remaining(11, 2, 29, 45)
    assert time_remaining(deadline, deadline) is None
    assert time_remaining(deadline, deadline + timedelta(seconds=1)) is None
    assert time_remaining(None, now) is None


def test_timeline_steps_mark_the_current_phase():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    edition = SimpleNamespace(
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        opens_at=datetime(2026, 3, 1, tzinfo=UTC),
        submission_deadline=datetime(2026, 7, 31, 10, tzinfo=UTC),
        judging_starts_at=None,
        judging_ends_at=None,
        published_at=None,
        archived_at=None,
        extensions=[SimpleNamespace(area_id=None, new_deadline=datetime(2026, 8, 5, tzinfo=UTC))],
    )
    steps = timeline_steps(edition, now)
    assert [s.phase for s in steps] == list(Phase)
    assert [s.state for s in steps] == ["done", "current"] + ["future"] * 5
    assert steps[2].starts_at == datetime(2026, 8, 5, tzinfo=UTC)  # extended deadline


@pytest.mark.parametrize(
    ("path", "by_code", "words"),
    [
        ("criteria[2].max_points", False, "Tiêu chí thứ 3 · điểm tối đa"),
        ("criteria[novelty].max_points", True, "Tiêu chí novelty · điểm tối đa"),
        ("age.min", False, "Độ tuổi · tối thiểu"),
        ("fields.order", True, "Lĩnh vực · thứ tự"),
        ("prizes[gold]", True, "Giải gold"),
        ("title", False, "Tên lần thi"),
        ("", False, "Chung"),
    ],
)
def test_describe_path(app, path, by_code, words):
    assert describe_path(path, by_code=by_code) == words


def test_describe_value(app):
    assert describe_value(None) == "—"
    assert describe_value(True) == "có"
    assert describe_value("2026-07-31T17:00:00+07:00") == "31/07/2026 17:00"
    assert describe_value("2026-07-31") == "31/07/2026"
    assert describe_value({"min": 6, "max": 19}) == "6–19"
    assert describe_value({"code": "NN", "name": "Ngoại ngữ"}) == "NN — tên: Ngoại ngữ"
    assert describe_value(["a", "b"]) == "a, b"


def test_suggest_next_slug(app, users):
    operations.create_from_template(
        "youth", "ttnnd-2026", "A", datetime(2026, 7, 31, 17, tzinfo=LOCAL_TZ), None
    )
    operations.create_from_template(
        "youth", "ttnnd-2027", "B", datetime(2027, 7, 31, 17, tzinfo=LOCAL_TZ), None
    )
    db.session.commit()
    assert suggest_next_slug("ttnnd-2026") == "ttnnd-2028"
    assert suggest_next_slug("stkt") == "stkt-2"


def _parse(field_class, text):
    from wtforms import Form

    class F(Form):
        value = field_class()

    from werkzeug.datastructures import MultiDict

    form = F(MultiDict({"value": text}))
    form.validate()
    return form.value.data, form.value.errors


def test_parsing_fields(app):
    assert _parse(DecimalInput, "72,5") == (Decimal("72.5"), [])
    assert _parse(AmountInput, "30.000.000 đ") == (30_000_000, [])
    assert _parse(AmountInput, "1e6")[1] == [
        "Vui lòng nhập số tiền bằng chữ số (ví dụ 30.000.000)."
    ]
    assert _parse(DecimalInput, "NaN")[1]
    moment, errors = _parse(LocalDateTimeInput, "2026-07-31T17:00")
    assert moment == datetime(2026, 7, 31, 17, 0, tzinfo=LOCAL_TZ) and errors == []
