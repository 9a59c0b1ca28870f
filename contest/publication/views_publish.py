"""Organizers' publication pages: publish a run, versions and differences, posting period,
complaints to answer."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("publication", __name__, url_prefix="/organizer/publication")
