"""National selection: proposal, overrides, dossier ZIP, national results."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("national", __name__, url_prefix="/organizer/national")
