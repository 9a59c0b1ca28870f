"""Organizer pages of the groups between a province and its communes (clusters of communes,
sectors of units) and their coordinators. Routes of the ``areas`` blueprint (organizers only,
checked in :mod:`.views`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..accounts.models import User
from ..errors import unit_of_work
from ..extensions import db
from ..forms import EmptyForm
from . import groups as ops
from .forms import CoordinatorForm, GroupForm
from .models import Area, AreaGroup
from .provinces import reaches_area
from .views import bp


def _province_or_404(area_id: int) -> Area:
    """A province (a root of the tree) or 404."""
    area = db.get_or_404(Area, area_id)
    if area.parent_id is not None or not reaches_area(current_user, area.id):
        abort(404)
    return area


def _group_or_404(group_id: int) -> AreaGroup:
    """Load a group of the organizer's province or answer 404."""
    group = db.get_or_404(AreaGroup, group_id)
    if not reaches_area(current_user, group.province_id):
        abort(404)
    return group


def _group_url(group_id: int, anchor: str = "") -> str:
    return url_for("areas.group", group_id=group_id) + anchor


@bp.route("/<int:area_id>/groups", methods=["GET", "POST"])
def groups(area_id: int):
    """The groups of a province and a form to add one."""
    province = _province_or_404(area_id)
    form = GroupForm(prefix="group")
    status = 200
    if form.validate_on_submit():
        with unit_of_work() as work:
            group = ops.create_group(
                province, form.name.data, form.kind.data, current_user, form.description.data
            )
        if work.refused:
            return redirect(url_for("areas.groups", area_id=area_id))
        flash(_("Đã lập nhóm “%(name)s”. Hãy chọn các xã, phường của nhóm.", name=group.name))
        return redirect(_group_url(group.id, "#members"))
    if form.is_submitted():
        status = 400
    rows = ops.groups_of(province)
    return (
        render_template(
            "areas/groups.html",
            province=province,
            groups=rows,
            counts=ops.member_counts(g.id for g in rows),
            form=form,
            kind_labels=ops.KIND_LABELS,
        ),
        status,
    )


@bp.get("/groups/<int:group_id>")
def group(group_id: int):
    """One group: name and kind, members (communes with a search, units), coordinators."""
    return _render_group(_group_or_404(group_id))


def _render_group(group: AreaGroup, status: int = 200, **forms):
    edit_form = forms.get("edit_form") or GroupForm(
        prefix="edit",
        formdata=None,
        name=group.name,
        kind=group.kind,
        description=group.description,
    )
    coordinator_form = forms.get("coordinator_form") or CoordinatorForm(
        prefix="coordinator", formdata=None
    )
    return (
        render_template(
            "areas/group.html",
            group=group,
            province=group.province,
            communes=ops.candidate_areas(group.province),
            units=ops.candidate_units(group.province),
            chosen_areas={a.id for a in group.areas},
            chosen_units={u.id for u in group.units},
            coordinators=ops.coordinators_of(group),
            edit_form=edit_form,
            coordinator_form=coordinator_form,
            action_form=EmptyForm(),
            kind_labels=ops.KIND_LABELS,
        ),
        status,
    )


@bp.post("/groups/<int:group_id>")
def update_group(group_id: int):
    """Rename a group, change its kind or description."""
    group_ = _group_or_404(group_id)
    form = GroupForm(prefix="edit")
    if not form.validate_on_submit():
        return _render_group(group_, 400, edit_form=form)
    with unit_of_work() as work:
        ops.update_group(
            group_, form.name.data, form.kind.data, form.description.data, current_user
        )
    if work.refused:
        return redirect(_group_url(group_id))
    flash(_("Đã lưu nhóm “%(name)s”.", name=group_.name), "success")
    return redirect(_group_url(group_id))


def _ids(name: str) -> list[int]:
    """The integer values posted under ``name`` (anything else is ignored)."""
    return [int(v) for v in request.form.getlist(name) if v.isdigit()]


@bp.post("/groups/<int:group_id>/members")
def group_members(group_id: int):
    """Set the communes/wards and units of a group to the ticked ones."""
    group_ = _group_or_404(group_id)
    if not EmptyForm().validate_on_submit():
        return redirect(_group_url(group_id, "#members"))
    with unit_of_work() as work:
        n_areas, n_units = ops.set_members(group_, _ids("area"), _ids("unit"), current_user)
    if work.refused:
        return redirect(_group_url(group_id, "#members"))
    flash(
        _(
            "Đã lưu: nhóm có %(areas)d xã, phường và %(units)d đơn vị.",
            areas=n_areas,
            units=n_units,
        ),
        "success",
    )
    return redirect(_group_url(group_id, "#members"))


@bp.post("/groups/<int:group_id>/coordinators")
def group_coordinator(group_id: int):
    """Make an existing account the coordinator of the group."""
    group_ = _group_or_404(group_id)
    form = CoordinatorForm(prefix="coordinator")
    if not form.validate_on_submit():
        return _render_group(group_, 400, coordinator_form=form)
    email = form.email.data.strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        form.email.errors.append(
            _(
                "Chưa có tài khoản nào với địa chỉ này. Hãy mời người đó làm điều phối viên "
                "trước (trang Tài khoản)."
            )
        )
        return _render_group(group_, 400, coordinator_form=form)
    ops.assign_coordinator(group_, user, current_user)
    db.session.commit()
    flash(
        _("%(name)s điều phối nhóm “%(group)s”.", name=user.display_name, group=group_.name),
        "success",
    )
    return redirect(_group_url(group_id, "#coordinators"))


@bp.post("/groups/<int:group_id>/coordinators/<int:user_id>/remove")
def group_coordinator_remove(group_id: int, user_id: int):
    """Take a coordinator off the group."""
    group_ = _group_or_404(group_id)
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        return redirect(_group_url(group_id, "#coordinators"))
    with unit_of_work() as work:
        ops.remove_coordinator(group_, user, current_user)
    if work.refused:
        return redirect(_group_url(group_id, "#coordinators"))
    flash(_("Đã gỡ %(name)s khỏi nhóm.", name=user.display_name), "success")
    return redirect(_group_url(group_id, "#coordinators"))


@bp.post("/groups/<int:group_id>/delete")
def group_delete(group_id: int):
    """Delete a group (refused while it has coordinators)."""
    group_ = _group_or_404(group_id)
    province_id, name = group_.province_id, group_.name
    if not EmptyForm().validate_on_submit():
        return redirect(_group_url(group_id))
    with unit_of_work() as work:
        ops.delete_group(group_, current_user)
    if work.refused:
        return redirect(_group_url(group_id))
    flash(_("Đã xoá nhóm “%(name)s”.", name=name), "success")
    return redirect(url_for("areas.groups", area_id=province_id))
