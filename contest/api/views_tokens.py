"""The profile page's personal access tokens (blueprint ``api_tokens``, HTML, sessions with
CSRF): ``POST /profile/api-tokens`` creates one and shows its secret once, on the answer
page only (never in a flash message or the session); ``POST /profile/api-tokens/<id>/revoke``
revokes one of the user's own tokens. The list is ``templates/api/_tokens.html``, included
by the profile page, through the template global :func:`api_token_panel`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db, login_manager
from ..forms import EmptyForm
from . import tokens
from .forms import TokenForm

bp = Blueprint("api_tokens", __name__, url_prefix="/profile/api-tokens")


@bp.before_request
def _eligible_only():
    """Anonymous users log in; users whose roles hold no tokens (entrants) get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not tokens.may_hold_tokens(current_user):
        abort(403)
    return None


def api_token_panel(user) -> dict:
    """What the profile page's token section shows (template global)."""
    eligible = tokens.may_hold_tokens(user)
    return {
        "eligible": eligible,
        "tokens": tokens.active_tokens(user) if eligible else [],
        "form": TokenForm(formdata=None) if eligible else None,
        "revoke_form": EmptyForm(formdata=None),
    }


@bp.post("")
def create():
    """Create a token; its secret is shown on this answer only."""
    form = TokenForm()
    if not form.validate_on_submit():
        flash(_("Chưa tạo được khoá: hãy đặt tên và chọn quyền, thời hạn."), "danger")
        return redirect(url_for("accounts.profile"))
    try:
        made = tokens.create_token(
            current_user, form.name.data, form.scope.data, int(form.days.data)
        )
    except tokens.TokenRefused as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("accounts.profile"))
    db.session.commit()
    page = render_template("api/token_created.html", token=made.token, secret=made.secret)
    return page, 201, {"Cache-Control": "no-store"}


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int):
    """Revoke one of the user's own tokens."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        token = tokens.revoke_token(current_user, token_id)
    except tokens.TokenRefused:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash(_("Đã thu hồi khoá “%(name)s”.", name=token.name), "success")
    return redirect(url_for("accounts.profile"))
