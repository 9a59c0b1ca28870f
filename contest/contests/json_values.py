"""Type-checking decoded JSON values, collecting every problem with its key path.

Each ``reader(value, path)`` returns the checked value or :data:`INVALID` after recording a
problem; :class:`JsonReader` reads objects (unknown, missing and repeated keys) and lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from ..input_guard import has_forbidden
from .validation import Problem

INVALID = object()
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
Reader = Callable[[Any, str], Any]


class _Keys(dict):
    """A JSON object that remembers keys it saw more than once."""

    duplicates: tuple[str, ...] = ()


def object_pairs(pairs):
    """``object_pairs_hook`` for json.loads: keep repeated keys for the reader to report."""
    obj = _Keys(pairs)
    seen: set[str] = set()
    duplicates = []
    for k, _v in pairs:
        if k in seen:
            duplicates.append(k)
        seen.add(k)
    obj.duplicates = tuple(duplicates)
    return obj


def no_constant(name: str):
    """``parse_constant`` for json.loads: NaN and Infinity are not numbers here."""
    raise ValueError(name)


class JsonReader:
    """Type-checks JSON values and collects the problems with their paths."""

    def __init__(self):
        self.problems: list[Problem] = []
        self.invalid: set[str] = set()

    def fail(self, path: str, message: str):
        self.problems.append(Problem(path, message))
        self.invalid.add(path)
        return INVALID

    def obj(self, data: Any, path: str, keys: dict[str, tuple[bool, Reader]]):
        """Read an object whose allowed keys are ``keys`` (name → (required, reader))."""
        if not isinstance(data, dict):
            self.fail(path, _("phải là một đối tượng JSON {…}"))
            return {}
        for key in getattr(data, "duplicates", ()):
            self.fail(join_path(path, key), _("khóa bị lặp lại"))
        for key in data:
            if key not in keys:
                self.fail(join_path(path, key), _("khóa không được hỗ trợ"))
        out = {}
        for key, (required, read) in keys.items():
            sub = join_path(path, key)
            if key not in data:
                if required:
                    self.fail(sub, _("thiếu khóa bắt buộc"))
                continue
            value = read(data[key], sub)
            if value is not INVALID:
                out[key] = value
        return out

    def items(self, data: Any, path: str, read: Reader) -> list:
        """Read a list; invalid items stay as ``INVALID`` placeholders (indexes hold)."""
        if not isinstance(data, list):
            return self.fail(path, _("phải là một danh sách […]"))
        return [read(item, f"{path}[{i}]") for i, item in enumerate(data)]


def join_path(path: str, key: str) -> str:
    """``path.key`` (just ``key`` at the top level)."""
    return f"{path}.{key}" if path else key


def nullable(read: Reader) -> Reader:
    """``read``, but null is accepted (as None)."""
    return lambda value, path: None if value is None else read(value, path)


def text_reader(reader: JsonReader) -> Reader:
    def read(value, path):
        if not isinstance(value, str):
            return reader.fail(path, _("phải là một chuỗi ký tự"))
        if has_forbidden(value):
            return reader.fail(path, _("có ký tự điều khiển không hợp lệ (như NUL)"))
        return value

    return read


def integer_reader(reader: JsonReader, minimum: int) -> Reader:
    def read(value, path):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            return reader.fail(path, _("phải là số nguyên ≥ %(min)d", min=minimum))
        return value

    return read


def number_reader(reader: JsonReader) -> Reader:
    def read(value, path):
        if isinstance(value, float):
            value = Decimal(str(value))
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            return reader.fail(path, _("phải là một số"))
        value = Decimal(value)
        if not value.is_finite():
            return reader.fail(path, _("phải là một số"))
        return value

    return read


def boolean_reader(reader: JsonReader) -> Reader:
    def read(value, path):
        if not isinstance(value, bool):
            return reader.fail(path, _("phải là true hoặc false"))
        return value

    return read


def choice_reader(reader: JsonReader, allowed: tuple[str, ...]) -> Reader:
    def read(value, path):
        if not isinstance(value, str) or value not in allowed:
            return reader.fail(path, _("phải là một trong: %(values)s", values=", ".join(allowed)))
        return value

    return read


def date_reader(reader: JsonReader) -> Reader:
    def read(value, path):
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and _DATE_RE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        return reader.fail(path, _("phải là một ngày dạng YYYY-MM-DD, ví dụ 2025-07-31"))

    return read


def moment_reader(reader: JsonReader) -> Reader:
    def read(value, path):
        if isinstance(value, str) and "T" in value:
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                value = None
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value
        return reader.fail(
            path,
            _(
                "phải là thời điểm có múi giờ dạng YYYY-MM-DDTHH:MM:SS+07:00, "
                "ví dụ 2025-07-31T17:00:00+07:00"
            ),
        )

    return read
