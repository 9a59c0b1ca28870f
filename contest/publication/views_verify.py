"""Public certificate verification (the QR code's target)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("verify", __name__, url_prefix="/verify")
