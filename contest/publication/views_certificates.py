"""Organizers' certificates pages: generate (job with progress), download the ZIP."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("certificates", __name__, url_prefix="/organizer/certificates")
