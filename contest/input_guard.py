"""Refuse requests carrying characters no page ever needs.

Every text that reaches the service — the URL path (slugs included), the query string, form
fields, JSON bodies and uploaded file names — may contain printable characters and the
line breaks and tabs of a text area (``\\t``, ``\\n``, ``\\r``), nothing else: the other C0
control characters (NUL above all: PostgreSQL cannot store it), DEL, lone UTF-16 surrogates
and bytes that are not UTF-8 are refused with a 400 in the user's language, before any view
runs, so nothing is written. Uploaded file names are the exception (the multipart file name,
or the query parameter naming a raw-body upload): their control characters are harmless to
drop, so they are stripped and the upload goes on. File contents are not read
here; the importers check their own cells (:mod:`contest.tabular`). A number in the path
larger than any id (:data:`MAX_ID`) is answered 404.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest

#: The largest id a table holds (a 32-bit integer column); a larger number in a path names
#: nothing, and some databases cannot even compare it.
MAX_ID = 2**31 - 1

#: Query parameters that carry an uploaded file's name (the raw-body upload), by endpoint.
FILE_NAME_ARGS = {"attachments.upload_stream": ("name",)}

#: C0 controls except tab, line feed and carriage return; DEL; lone surrogates.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def has_forbidden(text: str) -> bool:
    """True when ``text`` holds a character refused in any input (see :data:`FORBIDDEN`)."""
    return FORBIDDEN.search(text) is not None


def strip_forbidden(text: str) -> str:
    """``text`` without the characters of :data:`FORBIDDEN`."""
    return FORBIDDEN.sub("", text)


class InvalidCharacters(BadRequest):
    """A request holding forbidden characters; ``where`` says which part (URL or data)."""

    def __init__(self, in_url: bool):
        self.in_url = in_url
        super().__init__()

    @property
    def title(self) -> str:
        return str(_l("Ký tự không hợp lệ"))

    @property
    def message(self) -> str:
        if self.in_url:
            return str(
                _l(
                    "Địa chỉ trang có ký tự không hợp lệ (ký tự điều khiển hoặc mã hoá sai). "
                    "Hãy kiểm tra lại đường dẫn."
                )
            )
        return str(
            _l(
                "Dữ liệu gửi lên có ký tự không hợp lệ (ký tự điều khiển như NUL, hoặc mã hoá "
                "sai). Chưa có gì được lưu: hãy quay lại, xoá các ký tự đó rồi gửi lại."
            )
        )


def _raw_is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")  # strict: refuses invalid bytes and encoded surrogates
    except UnicodeDecodeError:
        return False
    return True


def _clean_file_name_args() -> None:
    """Strip forbidden characters from query parameters that carry a file's name."""
    names = FILE_NAME_ARGS.get(request.endpoint or "", ())
    if any(has_forbidden(request.args.get(name, "")) for name in names):
        args = MultiDict(request.args)
        for name in names:
            args.setlist(name, [strip_forbidden(v) for v in args.getlist(name)])
        request.args = ImmutableMultiDict(args)


def _url_is_clean() -> bool:
    path = request.environ.get("PATH_INFO", "")
    try:
        raw_path = path.encode("latin-1")  # WSGI: the bytes of the path, as latin-1
    except UnicodeEncodeError:
        raw_path = None
    if raw_path is not None and not _raw_is_utf8(raw_path):
        return False
    query = unquote_to_bytes(request.query_string.replace(b"+", b" "))
    if not _raw_is_utf8(query):
        return False
    if has_forbidden(request.path):
        return False
    return not any(has_forbidden(k) or has_forbidden(v) for k, v in request.args.items(multi=True))


def _json_is_clean(value: Any) -> bool:
    if isinstance(value, str):
        return not has_forbidden(value)
    if isinstance(value, dict):
        return all(_json_is_clean(k) and _json_is_clean(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_is_clean(v) for v in value)
    return True


def _body_is_clean() -> bool:
    form = request.form
    if any(has_forbidden(k) or has_forbidden(v) for k, v in form.items(multi=True)):
        return False
    for key, upload in request.files.items(multi=True):
        if has_forbidden(key):
            return False
        if upload.filename:
            upload.filename = strip_forbidden(upload.filename)
    if request.is_json:
        return _json_is_clean(request.get_json(silent=True))
    return True


def check_request() -> None:
    """Raise :class:`InvalidCharacters` when the request holds a forbidden character; answer
    404 for a number in the path past :data:`MAX_ID` (it names nothing)."""
    if any(
        isinstance(value, int) and value > MAX_ID for value in (request.view_args or {}).values()
    ):
        abort(404)
    _clean_file_name_args()
    if not _url_is_clean():
        raise InvalidCharacters(in_url=True)
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and not _body_is_clean():
        raise InvalidCharacters(in_url=False)


def register(app: Flask) -> None:
    """Check every request before its view runs."""
    app.before_request(check_request)
