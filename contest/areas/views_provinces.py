"""The administrators' page "Tỉnh, thành phố": the provinces of the instance, adding one of
the 34 official provinces with its communes/wards, and binding organizers to a province.

Every view of this blueprint is for administrators only (checked once, before each request);
the logic is in :mod:`.provinces_admin`.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role, User
from ..accounts.operations import find_user
from ..errors import unit_of_work
from ..extensions import db, login_manager
from . import provinces_admin as ops
from .forms import BindOrganizerForm, SeedProvinceForm
from .models import Area

bp = Blueprint("provinces", __name__, url_prefix="/admin/provinces")


@bp.before_request
def _admins_only():
    """Anonymous users go to the login page; users who are not administrators get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if Role.ADMIN.value not in current_user.role_names:
        abort(403)
    return None


def _actor() -> User:
    return current_user._get_current_object()


def _render(seed_form: SeedProvinceForm | None = None, status: int = 200):
    rows = ops.province_rows()
    return (
        render_template(
            "areas/provinces_admin.html",
            rows=rows,
            national=ops.instance_wide_organizers(),
            seed_form=seed_form or SeedProvinceForm(formdata=None),
            bind_forms={
                row.area.id: BindOrganizerForm(prefix=f"p{row.area.id}", formdata=None)
                for row in rows
            },
        ),
        status,
    )


@bp.get("/")
def index():
    """The provinces with their code, communes/wards, organizers and editions."""
    return _render()


@bp.post("/seed")
def seed():
    """Add an official province and its communes/wards (idempotent)."""
    form = SeedProvinceForm()
    if not form.validate_on_submit():
        return _render(form, 400)
    with unit_of_work() as work:
        result = ops.seed_province(form.code.data, _actor())
    if work.refused:
        return redirect(url_for("provinces.index"))
    name = result.province.name
    if result.province_created:
        flash(
            _("Đã thêm %(name)s với %(n)d xã, phường, đặc khu.", name=name, n=result.created),
            "success",
        )
    elif result.created:
        flash(
            _(
                "%(name)s đã có trên hệ thống: đã thêm %(n)d xã, phường còn thiếu, giữ nguyên "
                "%(kept)d xã, phường đã có.",
                name=name,
                n=result.created,
                kept=result.kept,
            ),
            "success",
        )
    else:
        flash(
            _(
                "%(name)s đã có trên hệ thống với đủ %(kept)d xã, phường: không có gì thay đổi.",
                name=name,
                kept=result.kept,
            ),
            "info",
        )
    return redirect(url_for("provinces.index", _anchor=f"province-{result.province.id}"))


@bp.post("/<int:province_id>/organizers")
def bind_organizer(province_id: int):
    """Make an existing account (by e-mail) an organizer of the province."""
    province = db.get_or_404(Area, province_id)
    form = BindOrganizerForm(prefix=f"p{province_id}")
    if not form.validate_on_submit():
        flash(_("Vui lòng nhập địa chỉ e-mail của tài khoản."), "danger")
        return redirect(url_for("provinces.index", _anchor=f"province-{province_id}"))
    user = find_user(form.email.data)
    with unit_of_work() as work:
        ops.bind_organizer(province, user, _actor())
    if not work.refused:
        assert user is not None  # bind_organizer refuses an unknown e-mail
        flash(
            _(
                "%(email)s đã thuộc Ban Tổ chức của %(province)s.",
                email=user.email,
                province=province.name,
            ),
            "success",
        )
    return redirect(url_for("provinces.index", _anchor=f"province-{province_id}"))


@bp.post("/<int:province_id>/organizers/<int:user_id>/remove")
def unbind_organizer(province_id: int, user_id: int):
    """Take a user's organizer role of the province away (the page asks first)."""
    province = db.get_or_404(Area, province_id)
    user = db.get_or_404(User, user_id)
    with unit_of_work() as work:
        ops.unbind_organizer(province, user, _actor())
    if not work.refused:
        flash(
            _(
                "Đã gỡ %(email)s khỏi Ban Tổ chức của %(province)s.",
                email=user.email,
                province=province.name,
            ),
            "success",
        )
    return redirect(url_for("provinces.index", _anchor=f"province-{province_id}"))
