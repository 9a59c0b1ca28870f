"""Account pages: log in and out, registration, password reset and change, profile, and the
organizers' invitations of judges and coordinators. Views are thin: the work is in
:mod:`contest.accounts.operations`; each view commits once at the end."""

from __future__ import annotations

import math

from flask import (
    Blueprint,
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
from flask_login import current_user, login_required

from ..areas.models import Area
from ..areas.provinces import user_province_id
from ..areas.tree import descendant_ids
from ..errors import unit_of_work
from ..extensions import db
from ..jobs.operations import commit as commit_and_dispatch
from ..permissions import role_required
from ..redirects import safe_next
from ..timeutil import utcnow
from . import invitations, operations, throttle
from .emails import (
    link_max_age,
    send_invitation,
    send_registration_attempt,
    send_registration_confirmation,
)
from .expertise import set_expertise
from .forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    InviteForm,
    JudgeProfileForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    SetPasswordForm,
)
from .models import AttemptKind, Role, TokenPurpose
from .operations import AccountError
from .passwords import hash_password, needs_rehash, verify_password
from .reset_job import queue_password_reset
from .session_auth import end_session, start_session
from .tokens import confirmation_token, confirmed_user, find_valid_token
from .two_factor_views import second_step

bp = Blueprint("accounts", __name__)

BAD_CREDENTIALS = _l(
    "E-mail hoặc mật khẩu không đúng. Nếu vừa đăng ký, hãy mở thư xác nhận trước khi đăng nhập."
)


@bp.app_template_filter("role_label")
def role_label_filter(role: str) -> str:
    """Jinja filter: the Vietnamese (translated) name of a role."""
    return operations.role_label(role)


@bp.after_request
def _no_store(response):
    """Account pages carry personal data and one-time links: never cache them."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# --- Helpers --------------------------------------------------------------------------------


def _client_ip() -> str:
    """The client's address as the WSGI server (or a trusted proxy fix) reports it."""
    return (request.remote_addr or "")[:64]


def _area(area_id: int | None) -> Area | None:
    """The area with ``area_id`` (a validated select value), or None."""
    return db.session.get(Area, area_id) if area_id else None


def _show_error(form, exc: AccountError) -> None:
    """Put a refused operation's message on its form field, or flash it."""
    field = form._fields.get(exc.field) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, str(exc.message)]
    else:
        flash(str(exc.message), "danger")


def _remembered() -> bool:
    """True when the browser sent a remember-me cookie."""
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def _throttled_response(form, until, template: str = "accounts/login.html", **context):
    """The page shown while logins are throttled (429, with Retry-After)."""
    seconds = max(1, math.ceil((until - utcnow()).total_seconds()))
    if seconds < 60:
        error = _(
            "Tài khoản này đang bị thử đăng nhập sai nhiều lần. Vì an toàn, vui lòng đợi "
            "%(seconds)d giây rồi thử lại.",
            seconds=seconds,
        )
    else:
        error = _(
            "Đăng nhập sai quá nhiều lần. Vì an toàn, vui lòng đợi %(minutes)d phút rồi thử "
            "lại, hoặc đặt lại mật khẩu qua e-mail.",
            minutes=math.ceil(seconds / 60),
        )
    return _too_many(template, seconds, form=form, error=error, **context)


def _too_many(template: str, seconds: int, **context):
    """``template`` answered with 429 and Retry-After ``seconds``."""
    response = current_app.make_response((render_template(template, **context), 429))
    response.headers["Retry-After"] = str(seconds)
    return response


# --- Log in, log out, register --------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with e-mail and password; throttled per account and per address. A user with
    a second factor (or who must enrol one) continues to :mod:`.two_factor_views`."""
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url or url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        email, ip = form.email.data, _client_ip()
        until = throttle.retry_at(email, ip)
        if until is not None:  # refused attempts are not recorded: they never renew a lock
            return _throttled_response(form, until)
        user = operations.find_user(email)
        # Unknown e-mail: verify against nothing, which takes as long as a real check.
        valid = verify_password(user.password_hash if user else None, form.password.data)
        if valid and user is not None and user.is_active and not user.email_confirmed:
            return render_template("accounts/login.html", form=form, error=str(BAD_CREDENTIALS))
        if valid and user is not None and user.is_active:
            throttle.record_attempt(email, ip, success=True)
            assert user.password_hash is not None  # it has just verified the password
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            if current_user.is_authenticated:
                end_session(current_user)
            # Only now, after the password, does the second factor show (two_factor_views).
            second = second_step(user, remember=form.remember.data, next_url=next_url)
            if second is not None:  # not logged in until the code is given; commits
                return second
            start_session(user, remember=form.remember.data)  # new session; commits
            return redirect(next_url or url_for("main.home"))
        throttle.record_attempt(email, ip, success=False)
        db.session.commit()
        error = str(BAD_CREDENTIALS)
    return render_template("accounts/login.html", form=form, error=error)


@bp.post("/logout")
def logout():
    """End this login session (a replayed old cookie is anonymous afterwards)."""
    if current_user.is_authenticated:
        end_session(current_user)
        db.session.commit()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Self-registration of an entrant. The answer is the same whether the address already
    has an account or not: a new account gets a confirmation link by e-mail, an existing
    owner an e-mail saying someone tried. Throttled per address and per client address."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        ip = _client_ip()
        until = throttle.registration_retry_at(form.email.data, ip)
        if until is not None:
            seconds = max(1, math.ceil((until - utcnow()).total_seconds()))
            error = _(
                "Có quá nhiều lượt đăng ký với địa chỉ e-mail này hoặc từ mạng của bạn. "
                "Vui lòng đợi %(minutes)d phút rồi thử lại.",
                minutes=math.ceil(seconds / 60),
            )
            return _too_many("accounts/register.html", seconds, form=form, error=error)
        try:
            registration = operations.register_entrant(
                email=form.email.data,
                password=form.password.data,
                full_name=form.full_name.data,
                phone=form.phone.data or "",
                unit_name=form.unit_name.data or "",
                area=_area(form.area.data),
            )
        except AccountError as exc:
            db.session.rollback()
            if exc.message is not operations.DUPLICATE_EMAIL:  # a concurrent twin: same answer
                _show_error(form, exc)
                return render_template("accounts/register.html", form=form)
        else:
            if registration.created:
                send_registration_confirmation(
                    registration.user, confirmation_token(registration.user)
                )
            else:
                send_registration_attempt(registration.user)
        throttle.record_attempt(form.email.data, ip, success=True, kind=AttemptKind.REGISTER)
        commit_and_dispatch()
        return redirect(url_for("accounts.register_sent"))
    return render_template("accounts/register.html", form=form)


@bp.get("/register/sent")
def register_sent():
    """ "Check your mailbox" after a registration (the same page for every address)."""
    return render_template("accounts/register_sent.html")


@bp.get("/confirm/<token>")
def confirm_email(token: str):
    """Follow the e-mailed link of a registration: the account may log in from now on."""
    user = confirmed_user(token, link_max_age("REGISTRATION_CONFIRM_MAX_AGE"))
    if user is None:
        return _invalid_link()
    operations.confirm_email(user)
    db.session.commit()
    flash(_("Đã xác nhận địa chỉ e-mail. Vui lòng đăng nhập."), "success")
    return redirect(url_for("accounts.login"))


# --- Password reset and change --------------------------------------------------------------


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link. The answer never tells whether the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        queue_password_reset(form.email.data)  # the same work for any address
        commit_and_dispatch()
        return render_template("accounts/forgot_password_sent.html")
    return render_template("accounts/forgot_password.html", form=form)


def _invalid_link():
    """The page for a wrong, used or expired e-mailed link (no form)."""
    return render_template("accounts/link_invalid.html", message=operations.INVALID_LINK), 400


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password with an e-mailed single-use link."""
    found = find_valid_token(token, TokenPurpose.PASSWORD_RESET)
    if found is None:
        return _invalid_link()
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            operations.reset_password(token, form.password.data)
        except AccountError as exc:
            db.session.rollback()
            if exc.field is None:
                return _invalid_link()
            _show_error(form, exc)
        else:
            db.session.commit()
            session.clear()
            flash(
                _("Đã đặt lại mật khẩu. Vui lòng đăng nhập bằng mật khẩu mới."),
                "success",
            )
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, email=found.user.email)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; every other device is logged out, this one stays logged in."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        ip = _client_ip()
        until = throttle.retry_at(user.email, ip)
        if until is not None:
            return _throttled_response(form, until, template="accounts/change_password.html")
        try:
            operations.change_password(user, form.current_password.data, form.password.data)
        except AccountError as exc:
            db.session.rollback()
            if exc.field == "current_password":
                throttle.record_attempt(user.email, ip, success=False)
                db.session.commit()
            _show_error(form, exc)
        else:
            start_session(user, remember=_remembered())  # fresh session; commits
            flash(_("Đã đổi mật khẩu. Các thiết bị khác đã được đăng xuất."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


# --- Profile ------------------------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """See and edit one's own profile; shows one's roles."""
    user = current_user._get_current_object()
    judge = user.has_role(Role.JUDGE)
    form = (JudgeProfileForm if judge else ProfileForm)(
        data={
            "full_name": user.full_name,
            "phone": user.phone,
            "unit_name": user.unit_name,
            "area": user.area_id,
        }
    )
    if judge:
        form.setup_expertise(user.expertise, fill=request.method == "GET")
    if form.validate_on_submit():
        operations.update_profile(
            user, form.full_name.data, form.phone.data, form.unit_name.data, _area(form.area.data)
        )
        if judge:
            set_expertise(user, form.topics(), user)
        db.session.commit()
        flash(_("Đã lưu hồ sơ."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html", form=form, user=user, roles=operations.sorted_roles(user)
    )


# --- Invitations ----------------------------------------------------------------------------


@bp.route("/invite", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def invite():
    """Organizers invite judges, coordinators and organizers; pending invitations are listed.
    An organizer bound to a province invites into it (no province select); others choose."""
    inviter = current_user._get_current_object()
    own_province = _area(user_province_id(inviter))
    form = InviteForm()
    if own_province is not None:
        del form.province
        inside = descendant_ids(own_province.id)
        choices = form.area.choices() if callable(form.area.choices) else form.area.choices
        form.area.choices = [c for c in choices if not c.value or int(c.value) in inside]
    if form.validate_on_submit():
        role = form.role.data
        area = _area(form.area.data) if role == Role.COORDINATOR.value else None
        chosen = None
        if own_province is None and role in operations.PROVINCE_ROLES:
            chosen = _area(form.province.data)
        try:
            invitation = invitations.invite(
                inviter, form.email.data, form.full_name.data, role, area, province=chosen
            )
        except AccountError as exc:
            db.session.rollback()
            _show_error(form, exc)
        else:
            if invitation.token or invitation.role_added:
                send_invitation(inviter, invitation, area or invitation.province)
            commit_and_dispatch()
            email, role = invitation.user.email, operations.role_label(invitation.role)
            if invitation.token:
                flash(
                    _("Đã gửi lời mời tới %(email)s (%(role)s).", email=email, role=role), "success"
                )
            elif invitation.role_added:
                flash(
                    _(
                        "%(email)s đã có tài khoản: đã thêm vai trò %(role)s và gửi thư báo.",
                        email=email,
                        role=role,
                    ),
                    "success",
                )
            else:
                flash(_("%(email)s đã có vai trò %(role)s.", email=email, role=role), "info")
            return redirect(url_for("accounts.invite"))
    return render_template(
        "accounts/invite.html",
        form=form,
        own_province=own_province,
        pending=invitations.pending_invitations(actor=inviter),
        invitable=operations.INVITABLE_ROLES,
        now=utcnow(),
    )


@bp.post("/invite/<int:token_id>/resend")
@role_required(Role.ORGANIZER)
def resend_invitation(token_id: int):
    """Send a pending invitation again with a fresh link."""
    inviter = current_user._get_current_object()
    with unit_of_work(category="warning") as work:  # commits, then sends the e-mail
        invitation = invitations.resend_invitation(inviter, token_id)
        area = next(
            (r.area for r in invitation.user.roles if r.role == Role.COORDINATOR.value), None
        )
        send_invitation(inviter, invitation, area)
    if not work.refused:
        flash(_("Đã gửi lại lời mời tới %(email)s.", email=invitation.user.email), "success")
    return redirect(url_for("accounts.invite"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """An invited person chooses a password and is logged in."""
    found = find_valid_token(token, TokenPurpose.INVITATION)
    if found is None:
        return _invalid_link()
    invited = found.user
    judge = invited.has_role(Role.JUDGE)
    form = AcceptInvitationForm()
    if judge:
        form.setup_expertise(invited.expertise, fill=request.method == "GET")
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(token, form.password.data)
            if judge:
                set_expertise(user, form.topics(), user)
        except AccountError as exc:
            db.session.rollback()
            if exc.field is None:
                return _invalid_link()
            _show_error(form, exc)
        else:
            start_session(user)  # commits
            flash(
                _("Chào mừng %(name)s! Tài khoản đã sẵn sàng.", name=user.display_name), "success"
            )
            return redirect(url_for("main.home"))
    return render_template(
        "accounts/accept_invitation.html",
        form=form,
        invited=invited,
        roles=operations.sorted_roles(invited),
        judge=judge,
    )
