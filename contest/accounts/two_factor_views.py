"""Two-factor login pages: the second step after the password, the enrolment on the profile
(and right after the password when a role requires it), recovery codes, remembered devices,
and the administrators' page (required roles, reset of another user's factor).

**The half-logged-in state.** After a correct password, a user with a second factor (or who
must enrol one) is *not* logged in: the signed session only holds who passed the password, when,
and where to go next (:data:`PENDING_KEY`). Flask-Login sees an anonymous visitor, so nothing
else is reachable. The state expires after ``TWO_FACTOR_PENDING_SECONDS`` (5 minutes; 15 for
an enrolment, ``TWO_FACTOR_ENROL_SECONDS``) and is dropped when the password has changed in
between. Only the second step's success starts the login session (:func:`start_session`).

Rules live in :mod:`contest.accounts.two_factor`; these views are thin and commit once.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime, timedelta

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db
from ..forms import EmptyForm
from ..permissions import role_required
from ..redirects import safe_next
from ..timeutil import utcnow
from . import throttle
from . import two_factor as tf
from .models import Role, User
from .operations import AccountError
from .passwords import verify_password
from .session_auth import start_session
from .two_factor_forms import (
    CodeForm,
    ConfirmPasswordForm,
    EnrolForm,
    RecoveryCodeForm,
    RequirementForm,
)
from .two_factor_models import STAFF_ROLES

bp = Blueprint("two_factor", __name__)

PENDING_KEY = "two_factor_pending"
DEVICE_COOKIE = "two_factor_device"
CHALLENGE, ENROL = "challenge", "enrol"
EXPIRED = _l("Đã quá thời gian chờ bước xác thực thứ hai. Vui lòng đăng nhập lại.")
WRONG_PASSWORD = _l("Mật khẩu hiện tại không đúng.")
#: What a user who must enrol may still open (everything else sends them to the enrolment).
GATE_OPEN = frozenset(
    {"two_factor.manage", "two_factor.enrol", "accounts.logout", "main.set_language", "static"}
)


@bp.after_request
def _no_store(response):
    """These pages show secrets and one-time codes: never cache them."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _ip() -> str:
    return (request.remote_addr or "")[:64]


def _home(state: dict | None = None) -> str:
    return safe_next((state or {}).get("next")) or url_for("main.home")


# --- The half-logged-in state ---------------------------------------------------------------


def _fingerprint(user: User) -> str:
    """A keyed digest of the password hash: a password changed meanwhile voids the state.
    Keyed with the app's secret, so the (readable) session cookie is no offline oracle."""
    key = str(current_app.secret_key).encode()
    return hmac.new(key, (user.password_hash or "").encode(), hashlib.sha256).hexdigest()[:16]


def _lifetime(mode: str) -> timedelta:
    key, default = (
        ("TWO_FACTOR_ENROL_SECONDS", 900) if mode == ENROL else ("TWO_FACTOR_PENDING_SECONDS", 300)
    )
    return timedelta(seconds=int(current_app.config.get(key, default)))


def second_step(user: User, remember: bool, next_url: str | None):
    """Called by the login view once the password is verified: None when the user is to be
    logged in now (no second factor, or this browser is remembered); else the redirect to
    the second step, with the half-logged-in state stored (commits)."""
    now = utcnow()
    step = tf.login_step(user, request.cookies.get(DEVICE_COOKIE), now)
    if step is None:
        return None
    session[PENDING_KEY] = {
        "uid": user.id,
        "mode": step,
        "at": now.timestamp(),
        "remember": bool(remember),
        "next": next_url or "",
        "pw": _fingerprint(user),
    }
    db.session.commit()
    return redirect(url_for("two_factor.challenge" if step == CHALLENGE else "two_factor.setup"))


def _pending(mode: str, now: datetime) -> tuple[User, dict] | None:
    """The user half-logged-in for ``mode`` and their state, or None (none, expired, or
    stale: the state is then dropped and the reason flashed)."""
    state = session.get(PENDING_KEY)
    if not isinstance(state, dict) or state.get("mode") != mode:
        return None
    user = db.session.get(User, state.get("uid") or 0)
    age = now.timestamp() - float(state.get("at") or 0)
    fresh = 0 <= age <= _lifetime(mode).total_seconds()
    if not fresh or user is None or not user.is_active or state.get("pw") != _fingerprint(user):
        session.pop(PENDING_KEY, None)
        flash(str(EXPIRED), "warning")
        return None
    return user, state


def _back_to_login():
    return redirect(url_for("accounts.login"))


def _throttled(user: User, template: str, **context):
    """The 429 page while the account is locked from this address, or None."""
    until = throttle.retry_at(user.email, _ip())
    if until is None:
        return None
    seconds = max(1, math.ceil((until - utcnow()).total_seconds()))
    error = _(
        "Nhập sai quá nhiều lần. Vì an toàn, vui lòng đợi %(minutes)d phút rồi thử lại.",
        minutes=math.ceil(seconds / 60),
    )
    response = current_app.make_response((render_template(template, error=error, **context), 429))
    response.headers["Retry-After"] = str(seconds)
    return response


def _set_device_cookie(response, value: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=tf.DEVICE_DAYS * 24 * 3600,
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        samesite="Lax",
    )


def _complete(user: User, state: dict, remember_device: bool):
    """The second step succeeded: record it, start the login session, remember the browser
    when asked."""
    now = utcnow()
    throttle.record_attempt(user.email, _ip(), success=True, now=now)
    cookie = None
    if remember_device:
        cookie = tf.remember_device(user, now, _ip(), request.user_agent.string or "")
    start_session(user, remember=bool(state.get("remember")))  # clears the state; commits
    response = redirect(_home(state))
    if cookie:
        _set_device_cookie(response, cookie)
    return response


# --- The second step ------------------------------------------------------------------------


def _second_step(form, template: str, check, after=None):
    """The code (or recovery-code) page: ``check(user, code, now)`` says whether it is valid;
    ``after(user)`` runs once logged in (its flashed messages survive the new session)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    now = utcnow()
    pending = _pending(CHALLENGE, now)
    if pending is None:
        return _back_to_login()
    user, state = pending
    error = None
    if form.validate_on_submit():
        locked = _throttled(user, template, form=form)
        if locked is not None:
            return locked
        if check(user, form.code.data, now):
            response = _complete(user, state, form.remember_device.data)
            if after is not None:
                after(user)
            return response
        throttle.record_attempt(user.email, _ip(), success=False, now=now)
        db.session.commit()
        error = str(tf.WRONG_RECOVERY_CODE if template.endswith("recovery.html") else tf.WRONG_CODE)
    return render_template(template, form=form, error=error)


def _check_totp(user: User, code: str, now: datetime) -> bool:
    cred = tf.enabled_credential(user)
    return cred is not None and tf.verify_code(cred, code, now)


def _check_recovery(user: User, code: str, now: datetime) -> bool:
    return tf.use_recovery_code(user, code, now)


def _codes_left_warning(user: User) -> None:
    left = tf.recovery_codes_left(user)
    flash(
        _(
            "Đã dùng một mã khôi phục; còn %(left)d mã. Nên tạo bộ mã mới trong trang "
            "Xác thực hai bước.",
            left=left,
        ),
        "warning",
    )


@bp.route("/login/two-factor", methods=["GET", "POST"])
def challenge():
    """The second step: a 6-digit code from the authenticator app."""
    return _second_step(CodeForm(), "accounts/two_factor_challenge.html", _check_totp)


@bp.route("/login/two-factor/recovery", methods=["GET", "POST"])
def recovery():
    """The second step with a single-use recovery code (phone lost or out of reach)."""
    return _second_step(
        RecoveryCodeForm(),
        "accounts/two_factor_recovery.html",
        _check_recovery,
        after=_codes_left_warning,
    )


@bp.route("/login/two-factor/setup", methods=["GET", "POST"])
def setup():
    """Enrolment right after the password, for a user whose role requires a second factor:
    logged in only once the first code is confirmed."""
    if current_user.is_authenticated:
        return redirect(url_for("two_factor.enrol"))
    pending = _pending(ENROL, utcnow())
    if pending is None:
        return _back_to_login()
    user, state = pending
    if tf.is_enabled(user):  # enrolled meanwhile (another tab): log in with a code instead
        session.pop(PENDING_KEY, None)
        return _back_to_login()

    def done(codes: list[str]):
        throttle.record_attempt(user.email, _ip(), success=True)
        start_session(user, remember=bool(state.get("remember")))  # commits
        return _show_codes(codes, _home(state), first=True)

    return _enrol_page(user, done, during_login=True)


# --- On the profile -------------------------------------------------------------------------


def _enrol_context(user: User, cred, form, during_login: bool = False) -> dict:
    title = _("Mã QR để thêm tài khoản %(email)s vào ứng dụng xác thực", email=user.email)
    return {
        "form": form,
        "qr": tf.qr_svg(tf.provisioning_uri(cred, user), title),
        "secret": tf.grouped_secret(cred.secret),
        "email": user.email,
        "during_login": during_login,
        "required": tf.is_required(user),
    }


def _show_codes(codes: list[str], continue_url: str, first: bool = False):
    """The page showing recovery codes, once."""
    return render_template(
        "accounts/two_factor_codes.html", codes=codes, continue_url=continue_url, first=first
    )


def _manage_page(user: User, codes_form=None, off_form=None, status: int = 200):
    now = utcnow()
    cred = tf.credential(user)
    enabled = cred is not None and cred.enabled_at is not None
    return (
        render_template(
            "accounts/two_factor_manage.html",
            enabled=enabled,
            enabled_at=cred.enabled_at if cred is not None else None,
            required=tf.is_required(user),
            codes_left=tf.recovery_codes_left(user) if enabled else 0,
            devices=tf.active_devices(user, now) if enabled else [],
            device_label=tf.device_label,
            codes_form=codes_form or ConfirmPasswordForm(prefix="codes"),
            off_form=off_form or ConfirmPasswordForm(prefix="off"),
            empty_form=EmptyForm(),
        ),
        status,
    )


@bp.get("/account/two-factor")
@role_required(*STAFF_ROLES)
def manage():
    """The user's second factor: state, recovery codes, remembered devices."""
    return _manage_page(current_user._get_current_object())


@bp.route("/account/two-factor/enrol", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def enrol():
    """Turn the second factor on: scan the QR code (or type the secret), confirm with the
    first code, keep the recovery codes."""
    user = current_user._get_current_object()
    if tf.is_enabled(user):
        flash(str(tf.ALREADY_ON), "info")
        return redirect(url_for("two_factor.manage"))

    def done(codes: list[str]):
        db.session.commit()
        return _show_codes(codes, url_for("two_factor.manage"), first=True)

    return _enrol_page(user, done)


def _enrol_page(user: User, done, during_login: bool = False):
    """GET shows the QR code and the secret (a waiting secret is made or kept, and
    committed); POST confirms it with the first code (a wrong one counts as a failed login)
    and answers ``done(recovery_codes)``."""
    template = "accounts/two_factor_enrol.html"
    now = utcnow()
    if request.method == "POST":
        cred = tf.credential(user)
        if cred is None or cred.enabled_at is not None:
            return redirect(request.path)  # the GET makes a secret to scan first
    else:
        cred = tf.begin_enrolment(user, now)
        db.session.commit()
    form = EnrolForm()
    context = _enrol_context(user, cred, form, during_login)
    if form.validate_on_submit():
        locked = _throttled(user, template, **context)
        if locked is not None:
            return locked
        try:
            codes = tf.confirm_enrolment(user, form.code.data, now)
        except AccountError as exc:
            throttle.record_attempt(user.email, _ip(), success=False, now=now)
            db.session.commit()
            return render_template(template, error=str(exc.message), **context)
        return done(codes)
    return render_template(template, **context)


def _password_checked(user: User, form) -> bool:
    """True when ``form``'s password is the user's; else False with the reason on the field
    (a wrong password is recorded like a failed login, and the lock applies)."""
    ip = _ip()
    if throttle.retry_at(user.email, ip) is not None:
        form.password.errors = [
            _("Nhập sai quá nhiều lần. Vì an toàn, vui lòng đợi vài phút rồi thử lại.")
        ]
        return False
    if verify_password(user.password_hash, form.password.data or ""):
        return True
    throttle.record_attempt(user.email, ip, success=False)
    db.session.commit()
    form.password.errors = [str(WRONG_PASSWORD)]
    return False


@bp.post("/account/two-factor/recovery-codes")
@role_required(*STAFF_ROLES)
def regenerate():
    """Replace the recovery codes (the password is asked again)."""
    user = current_user._get_current_object()
    form = ConfirmPasswordForm(prefix="codes")
    if not form.validate_on_submit() or not _password_checked(user, form):
        return _manage_page(user, codes_form=form, status=400)
    try:
        codes = tf.regenerate_recovery_codes(user, utcnow())
    except AccountError as exc:
        db.session.rollback()
        flash(str(exc.message), "warning")
        return redirect(url_for("two_factor.manage"))
    db.session.commit()
    return _show_codes(codes, url_for("two_factor.manage"))


@bp.post("/account/two-factor/off")
@role_required(*STAFF_ROLES)
def turn_off():
    """Turn one's own second factor off (the password is asked again; refused while a role
    requires it)."""
    user = current_user._get_current_object()
    form = ConfirmPasswordForm(prefix="off")
    if not form.validate_on_submit() or not _password_checked(user, form):
        return _manage_page(user, off_form=form, status=400)
    try:
        tf.turn_off(user, utcnow())
    except AccountError as exc:
        db.session.rollback()
        flash(str(exc.message), "warning")
        return redirect(url_for("two_factor.manage"))
    db.session.commit()
    flash(_("Đã tắt xác thực hai bước."), "success")
    response = redirect(url_for("two_factor.manage"))
    response.delete_cookie(DEVICE_COOKIE)
    return response


@bp.post("/account/two-factor/devices/forget")
@role_required(*STAFF_ROLES)
def forget_devices():
    """Forget every remembered browser: each will ask for a code again."""
    user = current_user._get_current_object()
    if not EmptyForm().validate_on_submit():
        abort(400)
    n = tf.revoke_devices(user.id, utcnow())
    db.session.commit()
    flash(_("Đã quên %(n)d thiết bị: lần đăng nhập sau sẽ hỏi mã.", n=n), "success")
    response = redirect(url_for("two_factor.manage"))
    response.delete_cookie(DEVICE_COOKIE)
    return response


# --- Administrators -------------------------------------------------------------------------


@bp.route("/admin/two-factor", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin():
    """Which roles must use a second factor; every staff account's state, with a reset."""
    form = RequirementForm()
    if request.method == "GET":
        form.roles.data = tf.required_roles()
    if form.validate_on_submit():
        actor = current_user._get_current_object()
        if tf.set_required_roles(actor, form.roles.data or [], utcnow()):
            db.session.commit()
            flash(_("Đã lưu các vai trò bắt buộc xác thực hai bước."), "success")
        else:
            flash(_("Không có thay đổi."), "info")
        return redirect(url_for("two_factor.admin"))
    return render_template(
        "accounts/two_factor_admin.html",
        form=form,
        statuses=tf.staff_statuses(),
        entries=tf.recent_audit(),
        empty_form=EmptyForm(),
    )


@bp.post("/admin/two-factor/<int:user_id>/reset")
@role_required(Role.ADMIN)
def admin_reset(user_id: int):
    """Remove another user's second factor (lost phone): audited; they log in again."""
    target = db.session.get(User, user_id)
    if target is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        tf.reset(current_user._get_current_object(), target, utcnow())
    except AccountError as exc:
        db.session.rollback()
        flash(str(exc.message), "warning")
    else:
        db.session.commit()
        flash(
            _(
                "Đã đặt lại xác thực hai bước của %(email)s. Người này đã bị đăng xuất khỏi "
                "mọi thiết bị.",
                email=target.email,
            ),
            "success",
        )
    return redirect(url_for("two_factor.admin"))


# --- Wiring ---------------------------------------------------------------------------------


def gate():
    """Before every request: a logged-in user who must use a second factor and has none
    reaches only the enrolment (and logging out) until they enrol."""
    if request.endpoint is None or request.endpoint in GATE_OPEN:
        return None
    if not current_user.is_authenticated or not tf.must_enrol(current_user):
        return None
    return redirect(url_for("two_factor.enrol"))


def summary(user: User) -> dict:
    """The profile's box (templates/accounts/_two_factor.html): is the user staff, is their
    factor on, is it required, may they open the administrators' page."""
    staff = tf.is_staff(user)
    return {
        "staff": staff,
        "enabled": staff and tf.is_enabled(user),
        "required": staff and tf.is_required(user),
        "admin": user.has_role(Role.ADMIN),
    }


def register(app: Flask) -> None:
    """Register the pages, the gate, the profile's summary and the audit listeners (from
    ``create_app``)."""
    app.register_blueprint(bp)
    app.before_request(gate)
    app.jinja_env.globals["two_factor_summary"] = summary
    tf.register_listeners()
