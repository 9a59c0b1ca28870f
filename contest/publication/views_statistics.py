"""Statistics and the summary report (báo cáo tổng kết)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("statistics", __name__, url_prefix="/organizer/statistics")
