"""What the entry forms give, checked and normalised: the entry's data (keys of
:data:`ENTRY_KEYS`) and its authors (:class:`AuthorData`). Problems are ``(key, message)``
pairs with Vietnamese messages, raised together as :class:`~.states.InvalidEntry`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from ..areas.models import Area, Unit
from ..contests.models import Board, Edition, EditionField
from ..extensions import db
from . import eligibility
from .models import Author
from .states import InvalidEntry

ENTRY_KEYS = (
    "title",
    "field_id",
    "board_id",
    "summary",
    "area_id",
    "area_name",
    "unit_id",
    "unit_name",
    "mentor_name",
    "mentor_unit",
    "mentor_phone",
    "mentor_email",
    "applied_at",
    "applied_where",
)
TEXT_LIMITS = {
    "title": 300,
    "summary": 20000,
    "area_name": 200,
    "unit_name": 300,
    "mentor_name": 200,
    "mentor_unit": 300,
    "mentor_phone": 40,
    "mentor_email": 254,
    "applied_where": 5000,
}
MULTILINE = {"summary", "applied_where"}
RELATIONS = (
    ("field_id", "field", EditionField),
    ("board_id", "board", Board),
    ("area_id", "area", Area),
    ("unit_id", "unit", Unit),
)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class AuthorData:
    """One author as a form gives it."""

    full_name: str
    date_of_birth: date | None = None
    gender: str = ""
    ethnicity: str = ""
    organisation: str = ""
    class_or_position: str = ""
    phone: str = ""
    email: str = ""
    is_representative: bool = False


AUTHOR_LIMITS = {
    "full_name": 200,
    "ethnicity": 50,
    "organisation": 300,
    "class_or_position": 200,
    "phone": 40,
    "email": 254,
}


def _text(key: str, value: Any) -> str:
    text = "" if value is None else str(value)
    if key in MULTILINE:
        return text.strip()
    return " ".join(text.split())


def _too_long(key: str, limit: int):
    return (key, _("Tối đa %(max)d ký tự.", max=limit))


def clean_values(edition: Edition, values: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise entry data (keys of :data:`ENTRY_KEYS`); raise
    :class:`InvalidEntry` with every problem."""
    unknown = set(values) - set(ENTRY_KEYS)
    if unknown:
        raise ValueError(f"unknown entry keys: {sorted(unknown)}")
    clean: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for key, value in values.items():
        if key in TEXT_LIMITS:
            clean[key] = _text(key, value)
            if len(clean[key]) > TEXT_LIMITS[key]:
                problems.append(_too_long(key, TEXT_LIMITS[key]))
        else:
            clean[key] = value
    if "field_id" in clean:
        field = db.session.get(EditionField, clean["field_id"]) if clean["field_id"] else None
        if field is None or field.edition_id != edition.id:
            problems.append(("field_id", _("Vui lòng chọn lĩnh vực của lần thi.")))
    if clean.get("board_id") is not None:
        board = db.session.get(Board, clean["board_id"])
        if board is None or board.edition_id != edition.id:
            problems.append(("board_id", _("Vui lòng chọn bảng của lần thi.")))
    if clean.get("area_id") is not None and db.session.get(Area, clean["area_id"]) is None:
        problems.append(("area_id", _("Địa bàn không tồn tại.")))
    if clean.get("unit_id") is not None:
        unit = db.session.get(Unit, clean["unit_id"])
        if unit is None:
            problems.append(("unit_id", _("Đơn vị không tồn tại.")))
        elif not clean.get("unit_name"):
            clean["unit_name"] = unit.name
    if clean.get("mentor_email") and not EMAIL_RE.match(clean["mentor_email"]):
        problems.append(("mentor_email", _("Địa chỉ e-mail không hợp lệ.")))
    applied_at = clean.get("applied_at")
    if applied_at is not None and not isinstance(applied_at, date):
        problems.append(("applied_at", _("Ngày không hợp lệ.")))
    if "title" in clean and not clean["title"]:
        problems.append(("title", _("Vui lòng nhập tên sản phẩm, giải pháp.")))
    if problems:
        raise InvalidEntry(problems)
    return clean


def clean_author(index: int, data: AuthorData, rules, today: date) -> tuple[dict, list]:
    """Normalise one author of a form; return the values and the ``(key, message)``
    problems (a birth date outside the age band is one, named and with the range)."""
    values: dict[str, Any] = {
        key: " ".join(str(getattr(data, key) or "").split()) for key in AUTHOR_LIMITS
    }
    values["gender"] = (data.gender or "").strip().upper()
    values["date_of_birth"] = data.date_of_birth
    values["is_representative"] = bool(data.is_representative)
    key = f"authors[{index}]"
    problems = []
    for name, limit in AUTHOR_LIMITS.items():
        if len(values[name]) > limit:
            problems.append((f"{key}.{name}", _("Tối đa %(max)d ký tự.", max=limit)))
    if not values["full_name"]:
        problems.append((f"{key}.full_name", _("Vui lòng nhập họ và tên tác giả.")))
    if values["gender"] not in ("M", "F", ""):
        problems.append((f"{key}.gender", _("Giới tính không hợp lệ.")))
    if values["email"] and not EMAIL_RE.match(values["email"]):
        problems.append((f"{key}.email", _("Địa chỉ e-mail không hợp lệ.")))
    dob = data.date_of_birth
    if dob is not None and (dob > today or dob.year < 1900):
        problems.append((f"{key}.date_of_birth", _("Ngày sinh không hợp lệ.")))
    elif dob is not None:
        facts = eligibility.AuthorFacts(values["full_name"], dob)
        if problem := eligibility.check_birth_date(rules, facts, index):
            problems.append((f"{key}.date_of_birth", problem.message))
    return values, problems


def author_data(author: Author) -> AuthorData:
    """The form data of a stored author (to pre-fill the authors step)."""
    return AuthorData(**{k: getattr(author, k) for k in asdict(AuthorData(full_name=""))})
