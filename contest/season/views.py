"""The organizers' cockpit page of an edition (blueprint ``season``): the season's stages,
what blocks each, and the one next action (:mod:`.cockpit`)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from ..accounts.models import Role
from ..contests.pages_support import edition_or_404
from ..permissions import role_required
from .cockpit import as_json, cockpit

bp = Blueprint("season", __name__, url_prefix="/organizer/season")


@bp.get("/<slug>")
@role_required(Role.ORGANIZER)
def edition(slug: str):
    """The cockpit of one edition."""
    found = edition_or_404(slug)
    return render_template("season/cockpit.html", edition=found, view=cockpit(found))


@bp.get("/<slug>.json")
@role_required(Role.ORGANIZER)
def edition_json(slug: str):
    """The same content as JSON (as ``contest edition status SLUG --json`` prints it)."""
    return jsonify(as_json(cockpit(edition_or_404(slug))))
