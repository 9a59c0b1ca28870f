"""Error pages in the user's language; JSON for JSON clients.

A JSON client is a call to a JSON endpoint (:data:`JSON_ENDPOINTS`, a path under ``/api/``,
ending in ``.json`` or ``/autosave``), a ``PUT`` (raw uploads), or a request whose
``Accept`` prefers JSON. It gets ``{"error": title, "message": …, "status": code}`` for
every error, never an HTML page.

A full disk (``OSError`` ENOSPC or EDQUOT, PostgreSQL's ``disk_full``, SQLite's
``SQLITE_FULL``), raised anywhere in a request or underneath the error it caused, answers
507: the server's storage is full and nothing was saved (the transaction is rolled back).
"""

from __future__ import annotations

import contextlib
import errno

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from .extensions import db
from .input_guard import InvalidCharacters

#: Endpoints that always answer JSON (score-sheet autosave, raw uploads, job progress).
JSON_ENDPOINTS = frozenset({"judge.autosave", "attachments.upload_stream", "jobs.status"})
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
PG_DISK_FULL = "53100"
SQLITE_FULL = 13


def wants_json() -> bool:
    """True when the current request comes from a JSON client (see the module docstring)."""
    path = request.path
    return (
        request.endpoint in JSON_ENDPOINTS
        or path.startswith("/api/")
        or path.endswith((".json", "/autosave"))
        or request.method == "PUT"
        or request.accept_mimetypes.best == "application/json"
    )


#: Seconds a client should wait before trying again after a 500 or 503 (``Retry-After``).
RETRY_AFTER = {500: 5, 503: 10}


def _render(code: int, title: str, message: str):
    retry_after = RETRY_AFTER.get(code)
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    if wants_json():
        body = {"error": title, "message": message, "status": code}
        if retry_after:  # nothing was saved; the same request may simply be sent again
            body.update(retry=True, retry_after=retry_after)
        return jsonify(body), code, headers
    page = render_template("errors/error.html", code=code, title=title, message=message)
    return page, code, headers


def _rollback_quietly() -> None:
    """Roll the session back; a database that is down must not turn the error page into
    another error (the 500 would then be Werkzeug's HTML, even for a JSON client)."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001
        with contextlib.suppress(Exception):
            db.session.remove()


def _database_unreachable(error: BaseException | None) -> bool:
    """True when ``error`` (or what caused it) says the database cannot be reached now: a
    lost or refused connection (``OperationalError``, an invalidated connection)."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OperationalError | InterfaceError):
            return True
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        error = error.__cause__ or error.__context__
    return False


def is_disk_full(error: BaseException | None) -> bool:
    """True when ``error``, or an exception it was raised from, says the disk is full."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS:
            return True
        if isinstance(error, DBAPIError):
            orig = error.orig
            if getattr(orig, "sqlstate", None) == PG_DISK_FULL:
                return True
            if getattr(orig, "pgcode", None) == PG_DISK_FULL:
                return True
            if getattr(orig, "sqlite_errorcode", None) == SQLITE_FULL:
                return True
        error = error.__cause__ or error.__context__
    return False


def _unavailable():
    return _render(
        503,
        _("Dịch vụ tạm thời gián đoạn"),
        _("Máy chủ đang bận hoặc đang bảo trì. Vui lòng thử lại sau ít phút."),
    )


def _disk_full():
    _rollback_quietly()
    return _render(
        507,
        _("Bộ nhớ máy chủ đã đầy"),
        _(
            "Máy chủ đã hết dung lượng lưu trữ nên chưa lưu được gì. Vui lòng báo cho ban tổ "
            "chức và thử lại sau."
        ),
    )


def register(app: Flask) -> None:
    """Register the error handlers on ``app``."""

    @app.errorhandler(InvalidCharacters)
    def invalid_characters(e: InvalidCharacters):
        return _render(400, e.title, e.message)

    @app.errorhandler(400)
    def bad_request(e):
        return _render(400, _("Yêu cầu không hợp lệ"), _("Dữ liệu gửi lên không hợp lệ."))

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return _render(
            400,
            _("Phiên làm việc đã hết hạn"),
            _("Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại."),
        )

    @app.errorhandler(403)
    def forbidden(e):
        return _render(403, _("Không có quyền truy cập"), _("Bạn không có quyền xem trang này."))

    @app.errorhandler(404)
    def not_found(e):
        return _render(
            404, _("Không tìm thấy trang"), _("Trang bạn tìm không tồn tại hoặc đã bị xoá.")
        )

    @app.errorhandler(405)
    def method_not_allowed(e):
        return _render(405, _("Thao tác không được phép"), _("Thao tác này không được hỗ trợ."))

    @app.errorhandler(409)
    def conflict(e):
        return _render(
            409,
            _("Dữ liệu đã thay đổi"),
            _("Dữ liệu vừa được người khác thay đổi. Vui lòng tải lại trang và thử lại."),
        )

    @app.errorhandler(413)
    def too_large(e):
        return _render(413, _("Tệp quá lớn"), _("Tệp tải lên vượt quá dung lượng cho phép."))

    @app.errorhandler(500)
    def server_error(e):
        _rollback_quietly()
        original = getattr(e, "original_exception", None)
        if is_disk_full(original):
            return _disk_full()
        if _database_unreachable(original):
            return _unavailable()
        return _render(
            500,
            _("Lỗi hệ thống"),
            _("Đã có lỗi xảy ra. Dữ liệu của bạn không bị mất; vui lòng thử lại sau ít phút."),
        )

    @app.errorhandler(503)
    def unavailable(e):
        return _unavailable()

    @app.errorhandler(OSError)
    def os_error(e: OSError):
        if is_disk_full(e):
            return _disk_full()
        raise e  # any other OSError is an ordinary server error (logged, then 500)

    @app.errorhandler(DBAPIError)
    def database_error(e: DBAPIError):
        if is_disk_full(e):
            return _disk_full()
        if _database_unreachable(e):
            _rollback_quietly()
            return _unavailable()
        raise e
