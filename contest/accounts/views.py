"""Account pages (placeholder wiring; the accounts helper completes this module)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    return "login"


@bp.post("/logout")
def logout():
    return "logout"


@bp.route("/register", methods=["GET", "POST"])
def register():
    return "register"


@bp.get("/profile")
def profile():
    return "profile"


@bp.route("/invite", methods=["GET", "POST"])
def invite():
    return "invite"
