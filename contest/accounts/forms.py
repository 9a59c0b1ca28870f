"""Account forms. Every message is Vietnamese (translated through Babel); WTForms' built-in
English messages are replaced everywhere they could reach a user."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import EqualTo, Optional, Regexp, ValidationError

from ..areas.models import AreaLevel
from ..contests.form_fields import CheckboxesField
from ..forms import email_address, length, required
from .expertise import MAX_LENGTH, MAX_TOPICS, clean_topics, field_topics, split_topics, topic_key
from .models import Role
from .operations import INVITABLE_ROLES, ROLE_LABELS, password_problem

NO_AREA = _l("— Không chọn —")
WHOLE_INSTANCE = _l("Toàn hệ thống")
CONFIRM_MISMATCH = _l("Mật khẩu nhập lại không khớp.")


def _strip(value):
    """Filter: drop surrounding spaces."""
    return value.strip() if isinstance(value, str) else value


def _email_filter(value):
    """Filter: e-mail addresses are compared stripped and lower-cased."""
    return value.strip().lower() if isinstance(value, str) else value


def _optional_int(value):
    """Coerce a select value to an int; the empty choice is None."""
    if value in (None, "", "None"):
        return None
    return int(value)


def password_policy(form, field) -> None:
    """Validator: 8–128 characters (after NFC normalisation), any Unicode."""
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def area_select_choices(levels=(AreaLevel.DISTRICT, AreaLevel.COMMUNE)) -> list[SelectChoice]:
    """Choices for an optional area select: a blank, then the tree's areas of ``levels``
    (districts and communes by default), indented by depth."""
    from ..areas.operations import area_choices

    return [SelectChoice("", str(NO_AREA))] + [
        SelectChoice(str(area_id), label) for area_id, label in area_choices(levels)
    ]


def province_select_choices() -> list[SelectChoice]:
    """Choices for an optional province select: "Toàn hệ thống" (none), then the provinces
    on the instance."""
    from ..areas.provinces import instance_provinces

    return [SelectChoice("", str(WHOLE_INSTANCE))] + [
        SelectChoice(str(p.id), p.name) for p in instance_provinces()
    ]


class AreaField(SelectField):
    """An optional area select whose data is an area id (or None)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", _optional_int)
        kwargs.setdefault("invalid_value_message", _l("Địa bàn không hợp lệ."))
        kwargs.setdefault("invalid_choice_message", _l("Địa bàn không hợp lệ."))
        super().__init__(label, validators, **kwargs)


def phone_number():
    """An optional phone number: digits, spaces and + ( ) . - only."""
    return Regexp(r"^[0-9+().\s-]*$", message=_l("Số điện thoại không hợp lệ."))


def _email_field(label=None):
    """A required e-mail address, stored stripped and lower-cased."""
    return EmailField(
        label or _l("E-mail"),
        validators=[required(), length(max=254), email_address()],
        filters=[_email_filter],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )


def _new_password_fields(label=None):
    """A new password and its confirmation."""
    password = PasswordField(
        label or _l("Mật khẩu mới"),
        validators=[required(), password_policy],
        render_kw={"autocomplete": "new-password"},
        description=_l(
            "Từ 8 đến 128 ký tự; có thể dùng tiếng Việt có dấu, dấu cách, ký tự đặc biệt."
        ),
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu"),
        validators=[required(), EqualTo("password", message=CONFIRM_MISMATCH)],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class LoginForm(FlaskForm):
    """E-mail, password and "remember me"."""

    email = StringField(
        _l("E-mail"),
        validators=[required(), length(max=254)],
        filters=[_email_filter],
        render_kw={"autocomplete": "username", "inputmode": "email"},
    )
    password = PasswordField(
        _l("Mật khẩu"), validators=[required()], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên thiết bị này"))


class ProfileForm(FlaskForm):
    """The profile fields a person edits about themself."""

    full_name = StringField(
        _l("Họ và tên"),
        validators=[required(), length(max=200)],
        filters=[_strip],
        render_kw={"autocomplete": "name"},
    )
    phone = StringField(
        _l("Số điện thoại"),
        validators=[Optional(), length(max=40), phone_number()],
        filters=[_strip],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    unit_name = StringField(
        _l("Đơn vị / trường học"),
        validators=[Optional(), length(max=300)],
        filters=[_strip],
        render_kw={"autocomplete": "organization"},
    )
    area = AreaField(_l("Địa bàn (xã, phường)"), choices=lambda: area_select_choices())


class RegisterForm(ProfileForm):
    """Self-registration of an entrant."""

    email = _email_field()
    password, confirm = _new_password_fields(_l("Mật khẩu"))

    field_order = ("full_name", "email", "password", "confirm", "phone", "unit_name", "area")

    def ordered_fields(self):
        """The fields in the order the page shows them."""
        return [self[name] for name in self.field_order]


class ForgotPasswordForm(FlaskForm):
    """Ask for a reset link."""

    email = _email_field()


class SetPasswordForm(FlaskForm):
    """Choose a password (reset link, invitation)."""

    password, confirm = _new_password_fields()


class ChangePasswordForm(FlaskForm):
    """Change the password while logged in."""

    current_password = PasswordField(
        _l("Mật khẩu hiện tại"),
        validators=[required()],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = _new_password_fields()


def _invitable_role_choices() -> list[SelectChoice]:
    """The roles an organizer can invite, with their labels."""
    return [SelectChoice(role, str(ROLE_LABELS[role])) for role in INVITABLE_ROLES]


class InviteForm(FlaskForm):
    """Invite a judge or a district coordinator."""

    email = _email_field()
    full_name = StringField(
        _l("Họ và tên"), validators=[required(), length(max=200)], filters=[_strip]
    )
    role = SelectField(
        _l("Vai trò"),
        choices=_invitable_role_choices,
        validators=[required()],
        invalid_choice_message=_l("Vai trò không hợp lệ."),
    )
    area = AreaField(
        _l("Địa bàn (bắt buộc với điều phối viên)"),
        choices=lambda: area_select_choices(levels=(AreaLevel.DISTRICT,)),
    )
    # Administrators and instance-wide organizers only (the view removes it for an organizer
    # bound to a province, whose invitees get that province).
    province = AreaField(
        _l("Tỉnh, thành phố (với Ban Tổ chức, giám khảo)"),
        choices=lambda: province_select_choices(),
        invalid_choice_message=_l("Tỉnh, thành phố không hợp lệ."),
        invalid_value_message=_l("Tỉnh, thành phố không hợp lệ."),
    )

    def validate_area(self, field) -> None:
        """A coordinator is bound to one district."""
        if self.role.data == Role.COORDINATOR.value and not field.data:
            raise ValidationError(_l("Vui lòng chọn địa bàn cho điều phối viên."))


class ExpertiseFields:
    """A judge's fields of expertise: the field names of current editions to tick, and other
    fields typed as free text (mixed into the invitation and profile forms of judges)."""

    expertise = CheckboxesField(_l("Lĩnh vực chuyên môn"), choices=[])
    expertise_other = TextAreaField(
        _l("Lĩnh vực khác (cách nhau bằng dấu phẩy)"),
        validators=[Optional(), length(max=MAX_TOPICS * MAX_LENGTH)],
    )

    def setup_expertise(self, stored: list[str] | None = None, fill: bool = False) -> None:
        """Offer the current field names; with ``fill``, show ``stored`` (ticked when it is
        one of them, else in the free text)."""
        names = field_topics()
        self.expertise.choices = [SelectChoice(n, n) for n in names]
        if fill:
            by_key = {topic_key(n): n for n in names}
            stored = stored or []
            self.expertise.data = [by_key[topic_key(t)] for t in stored if topic_key(t) in by_key]
            self.expertise_other.data = ", ".join(t for t in stored if topic_key(t) not in by_key)

    def topics(self) -> list[str]:
        """The ticked and typed fields, cleaned."""
        return clean_topics(
            [*(self.expertise.data or ()), *split_topics(self.expertise_other.data)]
        )


class AcceptInvitationForm(SetPasswordForm, ExpertiseFields):
    """Choose a password when accepting an invitation; judges also state their expertise."""


class JudgeProfileForm(ProfileForm, ExpertiseFields):
    """A judge's profile: the profile fields and their fields of expertise."""
