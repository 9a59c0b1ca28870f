"""Area tree pages for organizers: the tree, one area with its children and units, one unit.

Every view of this blueprint is for organizers only (checked once, before each request).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import unit_of_work
from ..extensions import db
from ..forms import EmptyForm
from ..permissions import organizers_only
from ..redirects import safe_next
from . import operations as ops
from .forms import AreaNameForm, UnitForm
from .models import Area, Unit
from .provinces import reaches_area, user_province_id

bp = Blueprint("areas", __name__, url_prefix="/organizer/areas")


bp.before_request(organizers_only)


def _area_or_404(area_id: int) -> Area:
    """Load an area of the organizer's province (any, for instance-wide staff) or 404."""
    area = db.get_or_404(Area, area_id)
    if not reaches_area(current_user, area.id):
        abort(404)
    return area


def _unit_or_404(unit_id: int) -> Unit:
    """Load a unit of the organizer's province or answer 404."""
    unit = db.get_or_404(Unit, unit_id)
    if not reaches_area(current_user, unit.area_id):
        abort(404)
    return unit


def _area_url(area_id: int | None) -> str:
    """The page of ``area_id``, or the tree when there is none."""
    return url_for("areas.show", area_id=area_id) if area_id else url_for("areas.index")


# --- The tree -----------------------------------------------------------------------------


@bp.get("/")
def index():
    """The whole tree with unit counts, and a form to add a province."""
    return _render_index(AreaNameForm(prefix="province"))


def _render_index(province_form: AreaNameForm, status: int = 200):
    own = user_province_id(current_user)
    roots = [root for root in ops.area_tree() if own is None or root.area.id == own]
    nodes = [node for root in roots for node in root.walk()]
    return (
        render_template(
            "areas/index.html",
            nodes=nodes,
            province_form=province_form,
            action_form=EmptyForm(),
            level_labels=ops.LEVEL_LABELS,
        ),
        status,
    )


@bp.post("/provinces")
def add_province():
    """Add a province (a root of the tree): instance-wide staff only."""
    if user_province_id(current_user) is not None:
        abort(403)
    form = AreaNameForm(prefix="province")
    if not form.validate_on_submit():
        return _render_index(form, 400)
    with unit_of_work() as work:
        area = ops.create_area(form.name.data, None, current_user)
    if work.refused:
        return redirect(url_for("areas.index"))
    flash(_("Đã thêm “%(name)s”.", name=area.name), "success")
    return redirect(url_for("areas.show", area_id=area.id))


# --- One area -----------------------------------------------------------------------------


@bp.get("/<int:area_id>")
def show(area_id: int):
    """One area: its path, name, sub-areas and units."""
    area = _area_or_404(area_id)
    return _render_area(area)


def _render_area(area: Area, status: int = 200, **forms):
    """Render an area's page; ``forms`` replaces the blank forms (to show errors)."""
    rename_form = forms.get("rename_form") or AreaNameForm(
        prefix="rename", formdata=None, name=area.name
    )
    child_form = forms.get("child_form") or AreaNameForm(prefix="child", formdata=None)
    unit_form = forms.get("unit_form") or UnitForm(prefix="unit", formdata=None)
    return (
        render_template(
            "areas/show.html",
            area=area,
            children=ops.children_with_counts(area),
            path=ops.path_of(area),
            child_level=ops.CHILD_LEVEL.get(area.level),
            rename_form=rename_form,
            child_form=child_form,
            unit_form=unit_form,
            action_form=EmptyForm(),
            usage=ops.area_usage(area),
            level_labels=ops.LEVEL_LABELS,
            kind_labels=ops.UNIT_KIND_LABELS,
        ),
        status,
    )


@bp.post("/<int:area_id>/rename")
def rename(area_id: int):
    """Rename an area."""
    area = _area_or_404(area_id)
    form = AreaNameForm(prefix="rename")
    if not form.validate_on_submit():
        return _render_area(area, 400, rename_form=form)
    with unit_of_work() as work:
        ops.rename_area(area, form.name.data, current_user)
    if work.refused:
        return redirect(_area_url(area_id))
    flash(_("Đã đổi tên thành “%(name)s”.", name=area.name), "success")
    return redirect(_area_url(area_id))


@bp.post("/<int:area_id>/children")
def add_child(area_id: int):
    """Add a district under a province, or a commune under a district."""
    parent = _area_or_404(area_id)
    form = AreaNameForm(prefix="child")
    if not form.validate_on_submit():
        return _render_area(parent, 400, child_form=form)
    with unit_of_work() as work:
        area = ops.create_area(form.name.data, parent, current_user)
    if work.refused:
        return redirect(_area_url(area_id))
    flash(_("Đã thêm “%(name)s”.", name=area.name), "success")
    return redirect(_area_url(area_id))


@bp.post("/<int:area_id>/move/<any(up, down):direction>")
def move(area_id: int, direction: str):
    """Move an area one place up or down among its siblings, then go back to the page the
    button was on (the tree or the parent's page)."""
    area = _area_or_404(area_id)
    form = EmptyForm()
    if form.validate_on_submit():
        ops.move_area(area, -1 if direction == "up" else 1, current_user)
        db.session.commit()
    back = safe_next(request.form.get("next")) or ""
    if not back.startswith(url_for("areas.index")) or "//" in back:
        back = _area_url(area.parent_id)
    return redirect(back + f"#area-{area.id}")


@bp.post("/<int:area_id>/delete")
def delete(area_id: int):
    """Delete an area (refused while anything still belongs to it)."""
    area = _area_or_404(area_id)
    parent_id, name = area.parent_id, area.name
    if not EmptyForm().validate_on_submit():
        return redirect(_area_url(area_id))
    with unit_of_work() as work:
        ops.delete_area(area, current_user)
    if work.refused:
        return redirect(_area_url(area_id))
    flash(_("Đã xoá “%(name)s”.", name=name), "success")
    return redirect(_area_url(parent_id))


# --- Units --------------------------------------------------------------------------------


@bp.post("/<int:area_id>/units")
def add_unit(area_id: int):
    """Add a unit to an area."""
    area = _area_or_404(area_id)
    form = UnitForm(prefix="unit")
    if not form.validate_on_submit():
        return _render_area(area, 400, unit_form=form)
    with unit_of_work() as work:
        unit = ops.create_unit(area, form.name.data, form.kind.data, current_user)
    if work.refused:
        return redirect(_area_url(area_id))
    flash(_("Đã thêm đơn vị “%(name)s”.", name=unit.name), "success")
    return redirect(_area_url(area_id) + "#units")


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
def edit_unit(unit_id: int):
    """Rename a unit or change its kind."""
    unit = _unit_or_404(unit_id)
    form = UnitForm(obj=unit)
    status = 200
    if form.validate_on_submit():
        with unit_of_work() as work:
            ops.update_unit(unit, form.name.data, form.kind.data, current_user)
        if work.refused:
            return redirect(url_for("areas.edit_unit", unit_id=unit_id))
        flash(_("Đã lưu đơn vị “%(name)s”.", name=unit.name), "success")
        return redirect(_area_url(unit.area_id) + "#units")
    if form.is_submitted():
        status = 400
    return (
        render_template(
            "areas/unit.html",
            unit=unit,
            form=form,
            path=ops.path_of(unit.area),
            users=ops.unit_user_count(unit),
            action_form=EmptyForm(),
        ),
        status,
    )


@bp.post("/units/<int:unit_id>/delete")
def delete_unit(unit_id: int):
    """Delete a unit (refused while users belong to it)."""
    unit = _unit_or_404(unit_id)
    area_id, name = unit.area_id, unit.name
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("areas.edit_unit", unit_id=unit_id))
    with unit_of_work() as work:
        ops.delete_unit(unit, current_user)
    if work.refused:
        return redirect(url_for("areas.edit_unit", unit_id=unit_id))
    flash(_("Đã xoá đơn vị “%(name)s”.", name=name), "success")
    return redirect(_area_url(area_id) + "#units")


# The groups' pages are routes of this blueprint too.
