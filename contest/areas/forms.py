"""Forms of the area tree pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField

from ..forms import length, required
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
