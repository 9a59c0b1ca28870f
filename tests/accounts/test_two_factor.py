"""Two-factor login, the rules on a real TOTP clock (time_machine moves the clock; pyotp makes
the codes an authenticator app would show): windows, replay, recovery codes, remembered
devices, reset by an administrator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from contest.accounts import two_factor as tf
from contest.accounts.operations import AccountError, change_password
from contest.accounts.two_factor_models import RecoveryCode, TwoFactorCredential
from contest.audit.models import AuditEntry
from contest.display import audit_sentence
from contest.extensions import db
from contest.timeutil import utcnow
from tests import factories

# 10 seconds into a 30-second window, well away from its edges.
T0 = datetime(2026, 12, 7, 3, 0, 10, tzinfo=UTC)


def enrol(user, now=T0) -> tuple[str, list[str]]:
    """Turn ``user``'s second factor on at ``now``; return its secret and recovery codes."""
    cred = tf.begin_enrolment(user, now)
    codes = tf.confirm_enrolment(user, pyotp.TOTP(cred.secret).at(now), now)
    db.session.commit()
    return cred.secret, codes


@pytest.fixture()
def judge(users):
    return users["judge"]


def _cred(user):
    db.session.expire_all()
    return tf.enabled_credential(user)


# --- Codes ----------------------------------------------------------------------------------


def test_a_code_of_the_current_window_is_accepted(judge):
    secret, _codes = enrol(judge)
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        now = utcnow()
        assert tf.verify_code(_cred(judge), pyotp.TOTP(secret).now(), now)


@pytest.mark.parametrize(
    ("seconds", "accepted"),
    [(-90, False), (-60, False), (-30, True), (0, True), (30, True), (60, False), (90, False)],
)
def test_neighbouring_windows_are_accepted_older_and_newer_refused(judge, seconds, accepted):
    """pyotp's valid_window=1: the code of the step before or after passes, no other."""
    secret, _codes = enrol(judge)
    login_at = T0 + timedelta(minutes=5)
    code = pyotp.TOTP(secret).at(login_at + timedelta(seconds=seconds))
    with time_machine.travel(login_at, tick=False):
        assert pyotp.TOTP(secret).verify(code, valid_window=1) is accepted  # the reference
        assert tf.verify_code(_cred(judge), code, utcnow()) is accepted
    db.session.commit()


def test_a_code_cannot_be_used_twice_within_its_window(judge):
    secret, _codes = enrol(judge)
    totp = pyotp.TOTP(secret)
    with time_machine.travel(T0 + timedelta(minutes=3), tick=False) as clock:
        code = totp.now()
        assert tf.verify_code(_cred(judge), code, utcnow())
        db.session.commit()
        clock.shift(5)  # same window
        assert not tf.verify_code(_cred(judge), code, utcnow())
        clock.shift(30)  # the used code is now the previous window's: still refused
        assert not tf.verify_code(_cred(judge), code, utcnow())
        assert tf.verify_code(_cred(judge), totp.now(), utcnow())  # a new code passes
        db.session.commit()
        # An older code (previous window) after a newer one was accepted: refused.
        assert not tf.verify_code(_cred(judge), totp.at(utcnow() - timedelta(seconds=30)),
                                  utcnow())  # fmt: skip


def test_the_enrolment_code_cannot_log_in(judge):
    """The code that confirmed the enrolment is used up like any other."""
    cred = tf.begin_enrolment(judge, T0)
    code = pyotp.TOTP(cred.secret).at(T0)
    tf.confirm_enrolment(judge, code, T0)
    db.session.commit()
    assert not tf.verify_code(_cred(judge), code, T0 + timedelta(seconds=3))


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", None])
def test_malformed_codes_are_refused(judge, typed):
    enrol(judge)
    assert not tf.verify_code(_cred(judge), typed, T0 + timedelta(minutes=1))


def test_a_code_typed_with_spaces_is_accepted(judge):
    secret, _codes = enrol(judge)
    at = T0 + timedelta(minutes=1)
    code = pyotp.TOTP(secret).at(at)
    assert tf.verify_code(_cred(judge), f" {code[:3]} {code[3:]} ", at)


def test_a_wrong_first_code_does_not_turn_the_factor_on(judge):
    cred = tf.begin_enrolment(judge, T0)
    db.session.commit()
    wrong = pyotp.TOTP(cred.secret).at(T0 - timedelta(minutes=2))
    with pytest.raises(AccountError) as refused:
        tf.confirm_enrolment(judge, wrong, T0)
    assert refused.value.field == "code"
    db.session.rollback()
    assert not tf.is_enabled(judge)
    assert tf.credential(judge) is not None  # still waiting for a good code


def test_a_waiting_secret_is_kept_for_an_hour_then_replaced(judge):
    first = tf.begin_enrolment(judge, T0).secret
    assert tf.begin_enrolment(judge, T0 + timedelta(minutes=30)).secret == first
    assert tf.begin_enrolment(judge, T0 + timedelta(hours=2)).secret != first


def test_entrants_are_not_offered_a_second_factor(users):
    with pytest.raises(AccountError):
        tf.begin_enrolment(users["entrant"], T0)


# --- Recovery codes -------------------------------------------------------------------------


def test_ten_recovery_codes_stored_hashed_each_works_once(judge):
    _secret, codes = enrol(judge)
    assert len(codes) == 10 == len(set(codes))
    stored = db.session.scalars(select(RecoveryCode.digest)).all()
    assert len(stored) == 10
    assert not any(code in digest or code.replace("-", "") in digest for code in codes
                   for digest in stored)  # fmt: skip
    now = T0 + timedelta(minutes=1)
    assert tf.use_recovery_code(judge, codes[3].upper(), now)  # any case, dashes or not
    db.session.commit()
    assert not tf.use_recovery_code(judge, codes[3], now)  # once
    assert tf.recovery_codes_left(judge) == 9
    assert not tf.use_recovery_code(judge, "abcd-efgh-jkmn", now)


def test_new_recovery_codes_replace_the_old_ones(judge):
    _secret, old = enrol(judge)
    new = tf.regenerate_recovery_codes(judge, T0)
    db.session.commit()
    assert not set(old) & set(new)
    assert not tf.use_recovery_code(judge, old[0], T0)
    assert tf.use_recovery_code(judge, new[0], T0)


# --- Remembered devices ---------------------------------------------------------------------


def test_a_remembered_device_skips_the_second_step_for_30_days_only(judge):
    enrol(judge)
    cookie = tf.remember_device(judge, T0, "127.0.0.1", "Mozilla/5.0 (Windows NT 10.0) Chrome/131")
    db.session.commit()
    assert tf.login_step(judge, None, T0) == "challenge"
    assert tf.login_step(judge, cookie, T0 + timedelta(days=29, hours=23)) is None
    assert tf.login_step(judge, cookie, T0 + timedelta(days=31)) == "challenge"


def test_a_remembered_device_is_bound_to_its_user_and_signature(users, judge):
    enrol(judge)
    other = users["organizer"]
    enrol(other)
    cookie = tf.remember_device(judge, T0)
    db.session.commit()
    assert tf.login_step(other, cookie, T0) == "challenge"
    assert tf.login_step(judge, cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB"),
                         T0) == "challenge"  # fmt: skip


def test_a_password_change_forgets_remembered_devices(judge):
    enrol(judge)
    cookie = tf.remember_device(judge, T0)
    db.session.commit()
    change_password(judge, factories.PASSWORD, "mật khẩu mới hoàn toàn")
    db.session.commit()
    assert tf.login_step(judge, cookie, T0 + timedelta(minutes=1)) == "challenge"


def test_devices_are_labelled_in_vietnamese():
    ua = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131 Mobile Safari/537.36"
    assert tf.device_label(ua) == "Chrome trên Android"
    assert tf.device_label("") == "Trình duyệt không rõ"


# --- Requirement, turning off, reset --------------------------------------------------------


def test_required_roles_apply_to_their_holders_and_organizer_covers_admins(users):
    admin = users["admin"]
    assert tf.set_required_roles(admin, ["organizer"], T0)
    db.session.commit()
    assert tf.must_enrol(users["organizer"]) and tf.must_enrol(admin)
    assert not tf.must_enrol(users["judge"]) and not tf.must_enrol(users["entrant"])
    enrol(users["organizer"])
    assert not tf.must_enrol(users["organizer"])
    assert not tf.set_required_roles(admin, ["organizer"], T0)  # no change, no audit
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == tf.AUDIT_POLICY)
    ).all()
    assert len(entries) == 1 and entries[0].details["roles"] == ["organizer"]


def test_a_required_factor_cannot_be_turned_off(users, judge):
    enrol(judge)
    tf.set_required_roles(users["admin"], ["judge"], T0)
    with pytest.raises(AccountError):
        tf.turn_off(judge, T0)
    tf.set_required_roles(users["admin"], [], T0)
    tf.turn_off(judge, T0)
    db.session.commit()
    assert not tf.is_enabled(judge)


def test_an_admin_reset_removes_the_factor_and_is_audited(users, judge):
    _secret, codes = enrol(judge)
    cookie = tf.remember_device(judge, T0)
    db.session.commit()
    tf.reset(users["admin"], judge, T0 + timedelta(minutes=1))
    db.session.commit()
    assert db.session.scalars(select(TwoFactorCredential)).all() == []
    assert db.session.scalars(select(RecoveryCode)).all() == []
    assert tf.login_step(judge, cookie, T0 + timedelta(minutes=2)) is None  # password only
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == tf.AUDIT_RESET)).one()
    assert entry.actor_id == users["admin"].id and entry.object_id == str(judge.id)
    assert audit_sentence(entry) == (
        "Người dùng admin đặt lại xác thực hai bước của judge@example.vn"
    )
    # Enrolled again: the old remembered device does not come back.
    enrol(judge, T0 + timedelta(minutes=3))
    assert tf.login_step(judge, cookie, T0 + timedelta(minutes=4)) == "challenge"


def test_an_admin_cannot_reset_their_own_factor_here(users):
    admin = users["admin"]
    enrol(admin)
    with pytest.raises(AccountError):
        tf.reset(admin, admin, T0)


def test_every_two_factor_action_has_a_sentence():
    from contest.display import AUDIT_PHRASES

    assert set(tf.AUDIT_ACTIONS) <= set(AUDIT_PHRASES)


def test_qr_code_is_inline_svg_of_the_provisioning_address(judge):
    """(The browser test decodes the rendered QR code.)"""
    cred = tf.begin_enrolment(judge, T0)
    uri = tf.provisioning_uri(cred, judge)
    assert uri.startswith("otpauth://totp/") and f"secret={cred.secret}" in uri
    assert "judge%40example.vn" in uri
    svg = str(tf.qr_svg(uri, "Mã QR"))
    assert svg.startswith('<svg role="img" ') and "<title>Mã QR</title>" in svg
    assert "style=" not in svg  # the CSP forbids inline styles


def test_the_command_line_resets_a_factor_audited_as_its_actor(runner, users):
    admin = users["admin"]
    enrol(admin)
    result = runner.invoke(args=["user", "reset-2fa", "ADMIN@example.vn"])
    assert result.exit_code == 0, result.output
    assert "Đã đặt lại xác thực hai bước của admin@example.vn" in result.output
    db.session.expire_all()
    assert not tf.is_enabled(admin)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == tf.AUDIT_RESET)).one()
    assert entry.actor_id is None and entry.details["cli_user"]
    assert audit_sentence(entry).startswith("Dòng lệnh (người dùng máy chủ ")
    result = runner.invoke(args=["user", "reset-2fa", "nobody@example.vn"])
    assert result.exit_code == 1 and "Không có tài khoản nào" in result.output
    result = runner.invoke(args=["user", "reset-2fa", admin.email])  # nothing left to reset
    assert result.exit_code == 1 and "chưa bật xác thực hai bước" in result.output
