"""Forms of the two-factor login: the code asked after the password, a recovery code, the
enrolment's first code, the password asked before a sensitive change, and the
administrators' choice of required roles. Every message is Vietnamese."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectChoice, StringField

from ..contests.form_fields import CheckboxesField
from ..forms import length, required
from .operations import ROLE_LABELS
from .two_factor import DEVICE_DAYS
from .two_factor_models import STAFF_ROLES

_CODE_ATTRS = {
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "pattern": "[0-9 ]*",
    "maxlength": "8",
    "autocapitalize": "off",
    "spellcheck": "false",
}


def _code_field():
    return StringField(
        _l("Mã xác thực (6 chữ số)"),
        validators=[required(), length(max=8)],
        render_kw=dict(_CODE_ATTRS),
        description=_l("Mở ứng dụng xác thực trên điện thoại và nhập mã 6 chữ số đang hiện."),
    )


def _remember_field():
    return BooleanField(
        _l("Ghi nhớ thiết bị này trong %(days)d ngày (không hỏi mã nữa)", days=DEVICE_DAYS)
    )


class CodeForm(FlaskForm):
    """The second step: a code from the authenticator app."""

    code = _code_field()
    remember_device = _remember_field()


class RecoveryCodeForm(FlaskForm):
    """The second step with a recovery code instead."""

    code = StringField(
        _l("Mã khôi phục"),
        validators=[required(), length(max=40)],
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "off",
            "spellcheck": "false",
            "maxlength": "40",
        },
        description=_l(
            "Một trong 10 mã khôi phục bạn đã lưu khi bật xác thực hai bước, ví dụ abcd-efgh-jkmn."
        ),
    )
    remember_device = _remember_field()


class EnrolForm(FlaskForm):
    """The first code, which confirms the enrolment."""

    code = _code_field()


class ConfirmPasswordForm(FlaskForm):
    """The account password, asked again before turning the factor off or replacing the
    recovery codes."""

    password = PasswordField(
        _l("Mật khẩu hiện tại"),
        validators=[required()],
        render_kw={"autocomplete": "current-password"},
    )


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role, str(ROLE_LABELS[role])) for role in STAFF_ROLES]


class RequirementForm(FlaskForm):
    """The roles whose holders must use a second factor."""

    roles = CheckboxesField(_l("Bắt buộc xác thực hai bước với các vai trò"), choices=_role_choices)
