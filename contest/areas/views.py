"""Area tree pages (placeholder wiring; completed by the areas work)."""

from flask import Blueprint

bp = Blueprint("areas", __name__, url_prefix="/organizer/areas")


@bp.get("/")
def index():
    return "areas"
