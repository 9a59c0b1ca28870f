"""Error pages (403, 404, 500, CSRF) in the user's language; JSON for API calls."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from .extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def _render(code: int, title: str, message: str):
    if _wants_json():
        return jsonify(error=title, message=message), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register(app: Flask) -> None:
    """Register the error handlers on ``app``."""

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

    @app.errorhandler(413)
    def too_large(e):
        return _render(413, _("Tệp quá lớn"), _("Tệp tải lên vượt quá dung lượng cho phép."))

    @app.errorhandler(500)
    def server_error(e):
        db.session.rollback()
        return _render(
            500,
            _("Lỗi hệ thống"),
            _("Đã có lỗi xảy ra. Dữ liệu của bạn không bị mất; vui lòng thử lại sau ít phút."),
        )
