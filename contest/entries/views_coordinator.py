"""The coordinators' pages (blueprint ``district``, under ``/coordinator/entries``): the entries
of their area and every area under it — list, search, export, one entry in full — and a
dashboard of counts per field × status, so the province can follow each district.

What a coordinator sees is decided by :mod:`.access` (an entry of another area answers 404
on every route); the list and the counts are also limited to the coordinator's area, so a
coordinator who also enters the contest in person does not see that elsewhere here.
Coordinators may help the entrants of their area: the entry page links to the entrant's
steps whenever the domain lets them change the entry."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ..areas.models import Area, AreaGroup
from ..areas.tree import descendant_ids, path_of
from ..extensions import db
from ..permissions import coordinators_only
from . import access, dashboard
from .listing import all_editions, build_list, export_response
from .views_intake import dashboard_edition, detail_context

bp = Blueprint("district", __name__, url_prefix="/coordinator/entries")


bp.before_request(coordinators_only)


def _area() -> Area:
    """The coordinator's area (403 when the account has none)."""
    area = db.session.get(Area, current_user.coordinator_area_id() or 0)
    if area is None:
        abort(403)
    return area


def _group() -> AreaGroup | None:
    """The coordinator's group (cluster of communes, sector), if bound to one: the pages
    start from its province (``_area``) and every list is limited to it by :mod:`.access`."""
    return db.session.get(AreaGroup, current_user.coordinator_group_id() or 0)


def _list(area: Area):
    """The list limited to ``area``'s subtree (an area filter outside it is ignored)."""
    args = MultiDict(request.args)
    chosen = args.get("area", type=int)
    if chosen is None or chosen not in descendant_ids(area.id):
        args["area"] = str(area.id)
    page = build_list(current_user, args, root_area_id=area.id)
    return page


@bp.get("/")
def index():
    """The entries of the coordinator's area, filtered, searched, sorted, paged."""
    area = _area()
    return render_template("district/index.html", page=_list(area), area=area, group=_group())


@bp.get("/export.xlsx")
def export():
    """The filtered list of the area (all pages) as XLSX."""
    return export_response(current_user, _list(_area()))


@bp.get("/<int:entry_id>")
def detail(entry_id: int):
    """One entry of the area in full (404 for any other area's entry)."""
    area = _area()
    entry = access.load_entry(entry_id, current_user)
    if not access.in_coordinator_area(current_user, entry):
        if entry.owner_id == current_user.id:
            return redirect(url_for("entries.detail", entry_id=entry.id))
        abort(404)
    return render_template("district/detail.html", area=area, **detail_context(entry))


@bp.get("/dashboard", endpoint="dashboard")
def dashboard_page():
    """The area's entries of one edition per field × status, and per sub-area × field."""
    area = _area()
    editions = all_editions()
    edition = dashboard_edition(editions)
    context = {"editions": editions, "edition": edition, "area": area, "path": path_of(area)}
    context["group"] = _group()
    if edition is not None:
        context.update(
            fields=dashboard.field_status_table(current_user, edition, area.id),
            areas=dashboard.area_field_table(current_user, edition, area.id),
        )
    return render_template("district/dashboard.html", **context)
