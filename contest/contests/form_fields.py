"""Form fields for the edition pages whose parse errors are Vietnamese (WTForms' own number
and date fields answer in English), plus the checkboxes of a dossier checklist.

Numbers accept the Vietnamese decimal comma (``72,5``); amounts of money accept dots or
spaces between thousands (``30.000.000``). Dates are typed ``dd/mm/yyyy`` and date-times
``dd/mm/yyyy hh:mm`` in Vietnam time (coming back as aware datetimes), whatever the browser's
language.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectMultipleField
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from .. import display
from ..timeutil import (
    DATE_FORMAT,
    DATE_PATTERN,
    MOMENT_FORMAT,
    MOMENT_PATTERN,
    parse_date,
    parse_moment,
    to_local,
)


class _TextParsed(Field):
    """A text input parsed by :meth:`parse`; blank is None."""

    widget = TextInput()
    error_message = _l("Giá trị không hợp lệ.")
    #: The parsed value (its type is the subclass's), or None when left blank.
    data: Any

    def _value(self) -> str:
        """What the input shows: the typed text, else the formatted value."""
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self.format(self.data)

    def format(self, value) -> str:
        """How a value is shown in the input."""
        return str(value)

    def parse(self, text: str):
        """The value of ``text`` (raise ValueError when it is not one)."""
        raise NotImplementedError

    def process_formdata(self, valuelist):
        """Parse the typed text; blank is None, an unreadable value a Vietnamese error."""
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = self.parse(valuelist[0].strip())
        except (ValueError, InvalidOperation):
            self.data = None
            raise ValueError(str(self.error_message)) from None


class IntegerInput(_TextParsed):
    """A whole number (optional unless a validator says otherwise)."""

    error_message = _l("Vui lòng nhập một số nguyên.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "numeric")
        super().__init__(*args, **kwargs)

    def parse(self, text: str) -> int:
        return int(text)


class DecimalInput(_TextParsed):
    """A decimal number; the decimal mark may be a comma or a point."""

    error_message = _l("Vui lòng nhập một số (ví dụ 72,5).")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(*args, **kwargs)

    def format(self, value) -> str:
        value = Decimal(value)
        if value == value.to_integral_value():
            return str(int(value))
        return display.input_number(value)

    def parse(self, text: str) -> Decimal:
        value = Decimal(text.replace(" ", "").replace(",", "."))
        if not value.is_finite():
            raise ValueError(text)
        return value


class AmountInput(_TextParsed):
    """An amount of đồng: digits, with dots, commas or spaces between thousands."""

    error_message = _l("Vui lòng nhập số tiền bằng chữ số (ví dụ 30.000.000).")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "numeric")
        super().__init__(*args, **kwargs)

    def format(self, value) -> str:
        return f"{int(value):,}".replace(",", ".")

    def parse(self, text: str) -> int:
        digits = text.lower().replace("đ", "").replace("vnd", "")
        for sep in (".", ",", " ", "\u00a0"):
            digits = digits.replace(sep, "")
        if not digits.isdigit():
            raise ValueError(text)
        return int(digits)


class LocalDateTimeInput(_TextParsed):
    """A date and time in Vietnam time, typed ``dd/mm/yyyy hh:mm`` whatever the browser's
    language (a plain text input: browsers' pickers show the month first in English)."""

    error_message = _l(
        "Ngày giờ không hợp lệ; hãy nhập ngày/tháng/năm giờ:phút (ví dụ 31/07/2025 17:00)."
    )

    def __init__(self, *args, **kwargs):
        render_kw = kwargs.setdefault("render_kw", {})
        render_kw.setdefault("pattern", MOMENT_PATTERN)
        render_kw.setdefault("placeholder", "dd/mm/yyyy hh:mm")
        render_kw.setdefault("inputmode", "text")
        render_kw.setdefault("autocomplete", "off")
        render_kw.setdefault("title", str(_l("Ngày/tháng/năm giờ:phút, ví dụ 31/07/2025 17:00")))
        super().__init__(*args, **kwargs)

    def format(self, value: datetime) -> str:
        return to_local(value).strftime(MOMENT_FORMAT)

    def parse(self, text: str) -> datetime:
        return parse_moment(text)


class LocalDateInput(_TextParsed):
    """A calendar date typed ``dd/mm/yyyy`` (ISO ``yyyy-mm-dd`` is accepted too)."""

    error_message = _l("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm (ví dụ 31/07/2025).")

    def __init__(self, *args, **kwargs):
        render_kw = kwargs.setdefault("render_kw", {})
        render_kw.setdefault("pattern", DATE_PATTERN)
        render_kw.setdefault("placeholder", "dd/mm/yyyy")
        render_kw.setdefault("inputmode", "numeric")
        render_kw.setdefault("autocomplete", "off")
        render_kw.setdefault("title", str(_l("Ngày/tháng/năm, ví dụ 31/07/2025")))
        super().__init__(*args, **kwargs)

    def format(self, value: date) -> str:
        return value.strftime(DATE_FORMAT)

    def parse(self, text: str) -> date:
        return parse_date(text)


class CheckboxesField(SelectMultipleField):
    """Several checkboxes; unknown values are refused with a Vietnamese message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        """Refuse values that are not among the choices."""
        allowed = {str(choice.value) for choice in self.iter_choices()}
        if any(str(value) not in allowed for value in self.data or ()):
            raise StopValidation(str(_l("Lựa chọn không hợp lệ.")))


def filled(message=None):
    """Validator: the field has a value (a value that failed to parse already has its
    message, so none is added)."""

    def check(form, field):
        if field.process_errors:
            raise StopValidation()
        if field.data is None or (isinstance(field.data, str) and not field.data.strip()):
            raise StopValidation(str(message or _l("Vui lòng nhập thông tin này.")))

    return check


def one_of(values, message=None):
    """Validator: the value is one of ``values`` (for selects whose own check is off)."""

    def check(form, field):
        if field.data not in values:
            raise StopValidation(str(message or _l("Lựa chọn không hợp lệ.")))

    return check
