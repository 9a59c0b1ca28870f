"""The judge's score sheet form: one points field per criterion (``7,5`` or ``7.5``, 0 … the
criterion's maximum, in steps of 0.5; empty is allowed on a draft), a comment and the version
the page was loaded with (the optimistic lock of :mod:`.sheets`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import ValidationError

from .. import display
from ..forms import length
from .errors import InvalidPoints
from .sheets import parse_points, points_problem

COMMENT_MAX = 5000


def field_name(criterion) -> str:
    """The form field of ``criterion`` (``c<id>``)."""
    return f"c{criterion.id}"


class PointsOf:
    """Validator: points for one criterion (empty allowed)."""

    def __init__(self, criterion) -> None:
        self.criterion = criterion

    def __call__(self, form, field) -> None:
        """Raise :class:`ValidationError` with a Vietnamese message for bad points."""
        try:
            value = parse_points(field.data)
        except InvalidPoints as exc:
            raise ValidationError(str(exc.message)) from None
        if value is not None:
            problem = points_problem(value, self.criterion)
            if problem:
                raise ValidationError(problem)


class SheetForm(FlaskForm):
    """The fixed part of the sheet; :func:`sheet_form` adds the criteria."""

    version = HiddenField()
    comment = TextAreaField(_l("Nhận xét"), validators=[length(max=COMMENT_MAX)])

    criteria: list = []

    def points_fields(self):
        """``(criterion, field)`` in the rubric's order."""
        return [(c, self[field_name(c)]) for c in self.criteria]

    def points(self) -> dict[int, str]:
        """``{criterion id: typed text}`` for :func:`.sheets.save_draft` (empty clears)."""
        return {c.id: (f.data or "") for c, f in self.points_fields()}


def sheet_form(criteria, sheet=None, *, fresh: bool = False) -> SheetForm:
    """A sheet form for ``criteria``, filled from ``sheet`` (or the request on a POST unless
    ``fresh``: then the stored values win, e.g. after a stale save)."""

    class _SheetForm(SheetForm):
        pass

    for criterion in criteria:
        setattr(
            _SheetForm,
            field_name(criterion),
            StringField(criterion.name, validators=[PointsOf(criterion)]),
        )
    _SheetForm.criteria = list(criteria)
    data = {"version": str(sheet.version if sheet is not None else 1), "comment": ""}
    if sheet is not None:
        data["comment"] = sheet.comment
        scored = sheet.points_by_criterion()
        for criterion in criteria:
            if criterion.id in scored:
                data[field_name(criterion)] = plain_points(scored[criterion.id])
    if fresh:
        return _SheetForm(formdata=None, data=data)
    return _SheetForm(data=data)


def plain_points(value) -> str:
    """Points the Vietnamese way (``7,5``; ``8`` without decimals)."""
    return display.input_number(value)


class DeclareConflictForm(FlaskForm):
    """A judge declares a conflict of interest with an assigned entry: a reason from the list
    (:data:`.self_declared.JUDGE_REASONS`) and optional text (required for "other")."""

    reason = RadioField(_l("Lý do"), choices=[], validate_choice=False)
    text = TextAreaField(_l("Ghi thêm (không bắt buộc, trừ khi chọn “Lý do khác”)"))

    def __init__(self, *args, **kwargs):
        from .self_declared import JUDGE_REASONS

        super().__init__(*args, **kwargs)
        self.reason.choices = [(code, label) for code, (label, _kind) in JUDGE_REASONS.items()]
