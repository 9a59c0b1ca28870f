"""Forms of the area tree pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from ..forms import length, required
from .groups import KIND_LABELS as GROUP_KIND_LABELS
from .operations import UNIT_KIND_LABELS


class AreaNameForm(FlaskForm):
    """The name of a new or renamed area."""

    name = StringField(_l("Tên địa bàn"), validators=[required(), length(max=200)])
    submit = SubmitField(_l("Lưu"))


class UnitForm(FlaskForm):
    """A unit's name and kind."""

    name = StringField(_l("Tên đơn vị"), validators=[required(), length(max=300)])
    kind = SelectField(
        _l("Loại đơn vị"),
        choices=[SelectChoice(kind, label) for kind, label in UNIT_KIND_LABELS.items()],
        validate_choice=False,
    )
    submit = SubmitField(_l("Lưu"))


class GroupForm(FlaskForm):
    """A group's name, kind and description."""

    name = StringField(_l("Tên nhóm"), validators=[required(), length(max=200)])
    kind = SelectField(
        _l("Loại nhóm"),
        choices=[SelectChoice(kind, label) for kind, label in GROUP_KIND_LABELS.items()],
        validate_choice=False,
    )
    description = TextAreaField(_l("Mô tả (không bắt buộc)"), validators=[length(max=2000)])
    submit = SubmitField(_l("Lưu"))


class CoordinatorForm(FlaskForm):
    """The e-mail of an existing account to coordinate a group."""

    email = EmailField(
        _l("Thư điện tử của điều phối viên"), validators=[required(), length(max=254)]
    )
    submit = SubmitField(_l("Giao điều phối"))


def _official_province_choices() -> list[SelectChoice]:
    """The 34 official provinces (value: official code), those on the instance marked."""
    from .provinces_admin import official_province_choices

    present_label = _l("đã có")
    return [
        SelectChoice(o.code, f"{o.name} ({present_label})" if present else o.name)
        for o, present in official_province_choices()
    ]


class SeedProvinceForm(FlaskForm):
    """One of the 34 official provinces, to add with its communes and wards."""

    code = SelectField(
        _l("Tỉnh, thành phố (34 tỉnh, thành phố từ 1/7/2025)"),
        choices=_official_province_choices,
        validators=[required()],
        invalid_choice_message=_l("Vui lòng chọn một tỉnh, thành phố trong danh sách."),
    )
    submit = SubmitField(_l("Thêm tỉnh, thành phố"))


class BindOrganizerForm(FlaskForm):
    """The e-mail of an existing account to make an organizer of a province."""

    email = EmailField(
        _l("Thư điện tử của thành viên Ban Tổ chức"),
        validators=[required(), length(max=254)],
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
    )
    submit = SubmitField(_l("Gắn vào Ban Tổ chức"))
