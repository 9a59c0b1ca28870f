"""Entrants' complaints (khiếu nại) during the posting period."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/complaints")
