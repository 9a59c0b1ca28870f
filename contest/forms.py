"""Form building blocks shared by every feature: the CSRF-only form and Vietnamese-first
validators (WTForms ships no Vietnamese messages, so every validator names its message)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Email, InputRequired, Length


class EmptyForm(FlaskForm):
    """A form with only the CSRF token: every state-changing button posts one."""


def required():
    """The field must be filled."""
    return DataRequired(message=_l("Vui lòng nhập thông tin này."))


def input_required():
    """The field must be present (0 counts as filled)."""
    return InputRequired(message=_l("Vui lòng nhập thông tin này."))


def email_address():
    """A well-formed e-mail address (no deliverability check: offices have weak internet)."""
    return Email(message=_l("Địa chỉ e-mail không hợp lệ."), check_deliverability=False)


def length(min: int = -1, max: int = -1):  # noqa: A002 - mirrors WTForms
    """Length bounds with a Vietnamese message."""
    if min >= 0 and max >= 0:
        msg = _l("Độ dài phải từ %(min)d đến %(max)d ký tự.", min=min, max=max)
    elif max >= 0:
        msg = _l("Tối đa %(max)d ký tự.", max=max)
    else:
        msg = _l("Tối thiểu %(min)d ký tự.", min=min)
    return Length(min=min, max=max, message=msg)
