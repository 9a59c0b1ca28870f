"""``contest user reset-2fa EMAIL``: remove a user's second factor from the server's command
line — the way back in when the last administrator has lost both the phone and the recovery
codes. Audited like the administrators' reset (the ``--actor`` account, else the
operating-system user)."""

from __future__ import annotations

import click
from flask_babel import gettext as _

from ..extensions import db
from ..timeutil import utcnow
from . import two_factor as tf
from .operations import AccountError, find_user


def register(user_group: click.Group) -> None:
    """Attach the command to the ``contest user`` group."""

    @user_group.command("reset-2fa")
    @click.argument("email")
    def reset_two_factor_command(email: str) -> None:
        """Xoá xác thực hai bước của một tài khoản — reset a user's second factor."""
        user = find_user(email)
        if user is None:
            raise click.ClickException(
                _("Không có tài khoản nào với e-mail %(email)s.", email=email)
            )
        try:
            tf.reset(None, user, utcnow())
        except AccountError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc.message)) from None
        db.session.commit()
        click.echo(
            _(
                "Đã đặt lại xác thực hai bước của %(email)s; mọi phiên đăng nhập của tài khoản "
                "này đã kết thúc.",
                email=user.email,
            )
        )
