"""User errors, and error pages in the user's language (JSON for JSON clients).

A refusal the user can act on is a :class:`UserError`: every domain refusal (an entry that can
no longer be withdrawn, a sheet changed in another tab, an area still in use…) derives from it
and carries ``message``, the sentence the user reads. How it reaches them is decided here once:

* a view runs its change in :class:`unit_of_work`, which commits, or on a refusal rolls back and
  flashes the message (in the error's ``category``);
* a refusal a view lets through answers an error page (or JSON) with the error's HTTP
  ``status`` and message, and the transaction is rolled back;
* a command that lets one through prints ``Lỗi: message`` and exits with the error's
  ``exit_code`` (:mod:`contest.cli`).

Internal failures (a file that cannot be parsed, a job to run again) are not user errors: their
callers turn them into one with the right sentence.

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
from types import TracebackType
from typing import Any

from flask import Flask, flash, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from .extensions import db
from .input_guard import InvalidCharacters

#: Endpoints that always answer JSON (score-sheet autosave, raw uploads, job progress).
JSON_ENDPOINTS = frozenset({"judge.autosave", "attachments.upload_stream", "jobs.status"})
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
PG_DISK_FULL = "53100"
SQLITE_FULL = 13


class UserError(Exception):
    """A refusal the user can act on. ``message`` says why, in the user's language (a
    translated or lazily translated string; ``str(error)`` is the same text). ``status`` is the
    HTTP status of the page answered when a view lets the error through, ``exit_code`` the
    exit status of a command that does, ``category`` the flash category of the message."""

    message: Any = _l("Thao tác không thực hiện được. Vui lòng kiểm tra lại rồi thử lại.")
    status: int = 400
    exit_code: int = 1
    category: str = "danger"

    def __init__(self, message: Any = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


def message_of(error: BaseException) -> str:
    """What the user reads about ``error``: a user error's message, else its text."""
    return str(getattr(error, "message", None) or error)


class unit_of_work:  # noqa: N801 - used as a statement: ``with unit_of_work() as work:``
    """One user action, one transaction::

        with unit_of_work() as work:
            area = operations.create_area(name, parent, current_user)
        if work.refused:
            return redirect(back)

    The block's changes are committed when it ends (and the background jobs it created are
    handed to the queue: :func:`contest.jobs.operations.commit`). A :class:`UserError` (or
    one of ``refusals``) rolls them back, is flashed (each line of its message on its own, in
    ``category``, else the error's own; ``flash_message=False`` leaves the message to the
    caller) and is kept in ``error``; the code after the block runs. Any other exception rolls
    back and propagates."""

    def __init__(
        self,
        *refusals: type[BaseException],
        category: str | None = None,
        flash_message: bool = True,
    ) -> None:
        self.refusals = refusals or (UserError,)
        self.category = category
        self.flash_message = flash_message
        self.error: BaseException | None = None

    @property
    def refused(self) -> bool:
        """True when the block was refused (and rolled back)."""
        return self.error is not None

    def __enter__(self) -> unit_of_work:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if exc is None:
            from .jobs.operations import commit

            commit()
            return False
        if not isinstance(exc, self.refusals):
            _rollback_quietly()  # a database that is down must not hide the error
            return False
        db.session.rollback()
        self.error = exc
        if self.flash_message:
            category = self.category or str(getattr(exc, "category", UserError.category))
            for line in message_of(exc).splitlines():
                flash(line, category)
        return True


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


#: The heading of the page of a user error that a view let through, by HTTP status.
STATUS_TITLES = {
    403: _l("Không có quyền truy cập"),
    404: _l("Không tìm thấy trang"),
    409: _l("Dữ liệu đã thay đổi"),
}
REFUSED_TITLE = _l("Thao tác không thực hiện được")

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

    @app.errorhandler(UserError)
    def user_error(e: UserError):
        _rollback_quietly()
        return _render(e.status, str(STATUS_TITLES.get(e.status, REFUSED_TITLE)), str(e.message))

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
