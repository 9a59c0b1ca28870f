"""Dates are typed dd/mm/yyyy whatever the browser's language, ISO still accepted."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from contest.contests.form_fields import LocalDateInput, LocalDateTimeInput
from contest.timeutil import LOCAL_TZ, parse_date, parse_moment


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/01/2006", date(2006, 1, 5)),
        ("5/1/2006", date(2006, 1, 5)),
        ("05-01-2006", date(2006, 1, 5)),
        ("05.01.2006", date(2006, 1, 5)),
        (" 31/12/2012 ", date(2012, 12, 31)),
        ("2006-01-05", date(2006, 1, 5)),
    ],
)
def test_dates_put_the_day_first(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["13/13/2006", "31/02/2006", "2006/01/05", "05/01/06", "abc", ""])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    "text",
    [
        "31/07/2026 17:00",
        "31/7/2026 17h00",
        "2026-07-31T17:00",
        "2026-07-31 17:00",
        "31/07/2026, 17:00",
    ],
)
def test_moments_are_vietnam_time(text):
    assert parse_moment(text) == datetime(2026, 7, 31, 17, 0, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize("text", ["31/07/2026", "31/07/2026 25:00", "07/31/2026 17:00", "17:00"])
def test_bad_moments_are_refused(text):
    with pytest.raises(ValueError):
        parse_moment(text)


def _form(field_class, text):
    class F(Form):
        value = field_class()

    form = F(MultiDict({"value": text}))
    form.validate()
    return form


def test_date_field_is_a_text_input_showing_day_first(app):
    with app.test_request_context():
        form = _form(LocalDateInput, "5/1/2006")
        assert form.value.data == date(2006, 1, 5)
        html = str(form.value())
        assert 'type="text"' in html and 'placeholder="dd/mm/yyyy"' in html
        assert "pattern=" in html and 'inputmode="numeric"' in html
        form.value.raw_data = None
        assert form.value._value() == "05/01/2006"


def test_bad_dates_get_a_vietnamese_error_naming_the_form(app):
    with app.test_request_context():
        assert _form(LocalDateInput, "01/13/2006").value.errors == [
            "Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm (ví dụ 31/07/2025)."
        ]
        moment = _form(LocalDateTimeInput, "2026-07-31")
        assert "ngày/tháng/năm giờ:phút" in moment.value.errors[0]


def test_moment_field_shows_day_first(app):
    with app.test_request_context():
        form = _form(LocalDateTimeInput, "31/07/2026 17:00")
        assert form.value.data == datetime(2026, 7, 31, 17, 0, tzinfo=LOCAL_TZ)
        html = str(form.value())
        assert 'type="text"' in html and 'placeholder="dd/mm/yyyy hh:mm"' in html
        form.value.raw_data = None
        assert form.value._value() == "31/07/2026 17:00"
