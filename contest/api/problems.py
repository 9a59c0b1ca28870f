"""Errors of the API as RFC 9457 problem details (``application/problem+json``).

Every refusal of an ``/api/v1`` operation is a :class:`Problem` rendered by
:func:`problem_response`: ``type`` (``about:blank`` for the plain HTTP meaning, or a
``urn:contest:problem:…`` naming a specific problem), ``title`` and ``detail`` in the caller's
language (``Accept-Language``: Vietnamese by default, English on request), ``status`` and, for
invalid input, ``errors`` (one message per problem: a definition's key path, an imported row
and column).
"""

from __future__ import annotations

import json

from flask import Response, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"


class Problem(Exception):
    """An API refusal: HTTP ``status`` and, optionally, a specific ``code``, ``detail``,
    ``errors`` and extra headers (``Retry-After``, ``WWW-Authenticate``)."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        code: str | None = None,
        title: str | None = None,
        errors: list[str] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict | None = None,
    ):
        self.status = status
        self.detail = detail
        self.code = code
        self.title = title
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra or {}
        super().__init__(detail or str(status))


def default_title(status: int) -> str:
    """The title of a problem of HTTP ``status`` in the current language."""
    titles = {
        400: _("Yêu cầu không hợp lệ"),
        401: _("Cần khoá truy cập"),
        403: _("Không có quyền truy cập"),
        404: _("Không tìm thấy trang"),
        405: _("Thao tác không được phép"),
        409: _("Dữ liệu đã thay đổi"),
        412: _("Dữ liệu đã thay đổi"),
        413: _("Tệp quá lớn"),
        415: _("Kiểu dữ liệu không được hỗ trợ"),
        422: _("Dữ liệu không hợp lệ"),
        423: _("Tệp đang chờ kiểm tra"),
        428: _("Thiếu điều kiện phiên bản"),
        429: _("Quá nhiều yêu cầu"),
        500: _("Lỗi hệ thống"),
        503: _("Dịch vụ tạm thời gián đoạn"),
    }
    return titles.get(status, _("Yêu cầu không hợp lệ"))


def default_detail(status: int) -> str:
    """The explanation of a problem of HTTP ``status`` in the current language."""
    details = {
        400: _("Dữ liệu gửi lên không hợp lệ."),
        401: _("Hãy gửi khoá truy cập cá nhân còn hiệu lực trong tiêu đề Authorization."),
        403: _("Bạn không có quyền thực hiện thao tác này."),
        404: _("Không tìm thấy tài nguyên này, hoặc bạn không có quyền xem nó."),
        405: _("Thao tác này không được hỗ trợ."),
        409: _("Dữ liệu vừa được người khác thay đổi. Hãy đọc lại rồi thử lại."),
        412: _("Dữ liệu đã thay đổi từ lần bạn đọc (ETag khác). Hãy đọc lại rồi thử lại."),
        413: _("Dữ liệu gửi lên vượt quá dung lượng cho phép."),
        415: _("Hãy gửi dữ liệu JSON (Content-Type: application/json)."),
        422: _("Dữ liệu gửi lên chưa đúng."),
        428: _("Hãy gửi tiêu đề If-Match với ETag đã đọc, hoặc số phiên bản trong dữ liệu."),
        429: _("Bạn đã gửi quá nhiều yêu cầu. Hãy chờ rồi thử lại."),
        500: _("Đã có lỗi xảy ra. Dữ liệu của bạn không bị mất; vui lòng thử lại sau ít phút."),
        503: _("Máy chủ đang bận hoặc đang bảo trì. Vui lòng thử lại sau ít phút."),
    }
    return details.get(status, _("Dữ liệu gửi lên không hợp lệ."))


def problem_body(problem: Problem) -> dict:
    """The JSON object of ``problem`` (RFC 9457 members, then extensions)."""
    body = {
        "type": f"urn:contest:problem:{problem.code}" if problem.code else "about:blank",
        "title": str(problem.title or default_title(problem.status)),
        "status": problem.status,
        "detail": str(problem.detail or default_detail(problem.status)),
        "instance": request.path,
    }
    if problem.errors:
        body["errors"] = [str(e) for e in problem.errors]
    body.update(problem.extra)
    return body


def problem_response(problem: Problem) -> Response:
    """``problem`` as an ``application/problem+json`` response."""
    response = Response(
        json.dumps(problem_body(problem), ensure_ascii=False),
        status=problem.status,
        mimetype=PROBLEM_TYPE,
    )
    for name, value in problem.headers.items():
        response.headers[name] = value
    response.headers["Content-Language"] = request.environ.get("contest.api_locale", "vi")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def from_http(error: HTTPException) -> Problem:
    """The problem for a werkzeug HTTP error raised by a loader (``abort(404)`` …)."""
    status = error.code or 500
    headers = {}
    valid_methods = getattr(error, "valid_methods", None)  # set by MethodNotAllowed
    if status == 405 and valid_methods:
        headers["Allow"] = ", ".join(valid_methods)
    return Problem(status, headers=headers)
