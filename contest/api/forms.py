"""The profile page's form for a new personal access token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField

from ..forms import length, required

DAY_CHOICES = (30, 90, 180, 365)


class TokenForm(FlaskForm):
    """Name, scope and lifetime of a new token."""

    name = StringField(_l("Tên khoá (để bạn nhận ra nó)"), validators=[required(), length(max=100)])
    scope = RadioField(
        _l("Quyền của khoá"),
        choices=[SelectChoice("read", _l("Chỉ đọc")), SelectChoice("write", _l("Đọc và ghi"))],
        default="read",
        validators=[required()],
    )
    days = SelectField(
        _l("Thời hạn"),
        choices=[SelectChoice(str(d), _l("%(n)d ngày", n=d)) for d in DAY_CHOICES],
        default="90",
        validators=[required()],
    )
