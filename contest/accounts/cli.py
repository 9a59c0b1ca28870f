"""Command-line commands of the accounts feature: ``contest user create`` and friends."""

from __future__ import annotations

import sys
from datetime import timedelta

import click
from flask import Flask
from flask_babel import gettext as _

from ..areas.lookup import areas_named
from ..areas.models import Area
from ..extensions import db
from .models import ROLE_VALUES
from .operations import PROVINCE_ROLES, AccountError, ensure_user, role_label
from .throttle import purge_attempts


def _find_area(name: str) -> Area:
    """The one area called ``name`` (as typed: :mod:`contest.areas.lookup`); a clear error
    when there is none or several."""
    areas = areas_named(name)
    if not areas:
        raise click.ClickException(_("Không có địa bàn nào tên “%(name)s”.", name=name))
    if len(areas) > 1:
        raise click.ClickException(
            _(
                "Có %(n)d địa bàn cùng tên “%(name)s”; hãy đổi tên cho khác nhau.",
                n=len(areas),
                name=name,
            )
        )
    return areas[0]


def _find_province(name: str) -> Area:
    """The province on the instance called ``name`` (typed as for ``areas seed``); a clear
    error when it is no province or is not on the instance yet."""
    from ..areas.operations import AreaError
    from ..areas.provinces_admin import instance_province

    try:
        return instance_province(name)
    except AreaError as error:
        raise click.ClickException(str(error.message)) from None


def _read_password() -> str:
    """One line from standard input, without its line ending."""
    line = sys.stdin.readline()
    if not line:
        raise click.ClickException(_("Không đọc được mật khẩu từ đầu vào chuẩn (stdin)."))
    return line.rstrip("\r\n")


def register(app: Flask) -> None:
    """Attach this feature's commands to ``app.cli``."""

    @app.cli.group("user")
    def user_group() -> None:
        """Tài khoản người dùng — user accounts."""

    @user_group.command("create")
    @click.option("--email", required=True, help="E-mail (đăng nhập).")
    @click.option("--role", required=True, help="admin, organizer, coordinator, judge, entrant.")
    @click.option("--name", default=None, help="Họ và tên.")
    @click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu (một dòng) từ stdin.")
    @click.option("--area", default=None, help="Tên địa bàn (bắt buộc với coordinator).")
    @click.option(
        "--province",
        default=None,
        help='Tỉnh, thành phố của organizer hoặc judge, ví dụ "Tuyên Quang" (đã có trên hệ thống).',
    )
    def create_command(
        email: str,
        role: str,
        name: str | None,
        password_stdin: bool,
        area: str | None,
        province: str | None,
    ) -> None:
        """Tạo tài khoản, hoặc thêm vai trò cho tài khoản đã có (chạy lại không sao)."""
        role = role.strip().lower()
        if role not in ROLE_VALUES:
            raise click.ClickException(
                _(
                    "Vai trò không hợp lệ: %(role)s. Dùng một trong: %(roles)s.",
                    role=role,
                    roles=", ".join(ROLE_VALUES),
                )
            )
        if province is not None and role not in PROVINCE_ROLES:
            raise click.ClickException(
                _("--province chỉ dùng với vai trò organizer (Ban Tổ chức) hoặc judge (giám khảo).")
            )
        if role == "coordinator" and not area:
            raise click.ClickException(_("Điều phối viên cần --area (tên địa bàn)."))
        area_obj = _find_area(area) if area else None
        province_obj = _find_province(province) if province is not None else None
        password = _read_password() if password_stdin else None
        try:
            result = ensure_user(
                email, role, full_name=name, password=password, area=area_obj, province=province_obj
            )
        except AccountError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc.message)) from None
        db.session.commit()
        user, label = result.user, role_label(role)
        if result.created:
            click.echo(_("Đã tạo tài khoản %(email)s (%(role)s).", email=user.email, role=label))
        elif result.role_added:
            click.echo(_("Đã thêm vai trò %(role)s cho %(email)s.", email=user.email, role=label))
        else:
            click.echo(_("%(email)s đã có vai trò %(role)s.", email=user.email, role=label))
        if result.province_bound:
            assert province_obj is not None  # only a given province gets bound
            click.echo(
                _(
                    "Đã gắn %(email)s (%(role)s) với %(province)s.",
                    email=user.email,
                    role=label,
                    province=province_obj.name,
                )
            )
        elif province_obj is not None:
            click.echo(_("Tỉnh, thành phố: %(province)s.", province=province_obj.name))
        if password is not None:
            click.echo(_("Đã đặt mật khẩu."))
        elif not user.password_hash:
            click.echo(
                _("Tài khoản chưa có mật khẩu: dùng --password-stdin, hoặc “Quên mật khẩu”.")
            )

    from . import two_factor_cli

    two_factor_cli.register(user_group)  # contest user reset-2fa EMAIL

    @user_group.command("purge-attempts")
    @click.option("--days", default=30, show_default=True, type=click.IntRange(min=1))
    def purge_attempts_command(days: int) -> None:
        """Xoá nhật ký đăng nhập cũ hơn N ngày — delete old login attempts."""
        count = purge_attempts(timedelta(days=days))
        db.session.commit()
        click.echo(_("Đã xoá %(n)d lượt đăng nhập cũ.", n=count))
