"""Public results pages (no login): published winners, versions, printable list, XLSX/PDF."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public_results", __name__, url_prefix="/results")
