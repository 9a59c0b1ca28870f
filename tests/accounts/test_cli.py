"""``contest user create``: new users, added roles, errors with exit status 1."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from contest.accounts.models import LoginAttempt, LoginSession, Role, User, UserRole
from contest.accounts.passwords import verify_password
from contest.accounts.throttle import record_attempt
from contest.areas.models import AreaLevel
from contest.extensions import db
from contest.timeutil import utcnow
from tests import factories


def _create(runner, *args, input=None):
    return runner.invoke(args=["user", "create", *args], input=input)


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def test_create_new_user(runner):
    result = _create(
        runner, "--email", " BTC@Example.vn ", "--role", "organizer", "--name", "Ban Tổ chức tỉnh"
    )
    assert result.exit_code == 0, result.output
    user = _user("btc@example.vn")
    assert user.role_names == {"organizer"} and user.full_name == "Ban Tổ chức tỉnh"
    assert user.password_hash is None
    assert "Đã tạo tài khoản btc@example.vn" in result.output


def test_existing_user_gets_the_role_added_idempotently(runner, users):
    for _ in range(2):
        result = _create(runner, "--email", users["entrant"].email, "--role", "judge")
        assert result.exit_code == 0, result.output
    user = _user(users["entrant"].email)
    assert sorted(r.role for r in user.roles) == ["entrant", "judge"]
    assert verify_password(user.password_hash, factories.PASSWORD)  # untouched
    assert "đã có vai trò" in result.output


def test_bad_role_exits_1_and_writes_nothing(runner):
    result = _create(runner, "--email", "x@example.vn", "--role", "superuser")
    assert result.exit_code == 1
    assert "Vai trò không hợp lệ" in result.output
    assert _users() == 0


def test_coordinator_needs_a_known_area(runner):
    result = _create(runner, "--email", "dp@example.vn", "--role", "coordinator")
    assert result.exit_code == 1 and "--area" in result.output
    result = _create(
        runner, "--email", "dp@example.vn", "--role", "coordinator", "--area", "Không Có"
    )
    assert result.exit_code == 1 and "Không có địa bàn nào tên" in result.output
    assert _users() == 0

    province = factories.make_area("Tỉnh Tuyên Quang")
    district = factories.make_area("Yên Sơn", AreaLevel.DISTRICT, parent=province)
    result = _create(
        runner, "--email", "dp@example.vn", "--role", "coordinator", "--area", "Yên Sơn"
    )
    assert result.exit_code == 0, result.output
    assert _user("dp@example.vn").coordinator_area_id() == district.id


def test_password_from_stdin(runner):
    password = "Mật khẩu từ stdin 🔑"
    result = _create(
        runner,
        "--email",
        "admin@example.vn",
        "--role",
        "admin",
        "--password-stdin",
        input=password + "\n",
    )
    assert result.exit_code == 0, result.output
    user = _user("admin@example.vn")
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, password)


def test_short_password_from_stdin_exits_1_and_writes_nothing(runner):
    result = _create(
        runner, "--email", "admin@example.vn", "--role", "admin", "--password-stdin", input="ngắn\n"
    )
    assert result.exit_code == 1
    assert "Mật khẩu phải có từ 8 đến 128 ký tự." in result.output
    assert _users() == 0


def test_new_password_for_existing_user_ends_their_sessions(runner, client, users, login):
    login(users["judge"])
    result = _create(
        runner,
        "--email",
        users["judge"].email,
        "--role",
        "judge",
        "--password-stdin",
        input="mật khẩu đặt lại từ dòng lệnh\n",
    )
    assert result.exit_code == 0, result.output
    assert (
        db.session.scalar(
            select(func.count()).select_from(LoginSession).where(LoginSession.revoked_at.is_(None))
        )
        == 0
    )


def test_purge_attempts_deletes_only_old_ones(runner):
    now = utcnow()
    record_attempt("cu@example.vn", "10.0.0.1", False, now=now - timedelta(days=40))
    record_attempt("moi@example.vn", "10.0.0.1", False, now=now - timedelta(days=2))
    db.session.commit()
    result = runner.invoke(args=["user", "purge-attempts", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    left = db.session.execute(select(LoginAttempt.email)).scalars().all()
    assert left == ["moi@example.vn"]


def test_roles_count_by_role(runner):
    _create(runner, "--email", "a@example.vn", "--role", "judge")
    _create(runner, "--email", "a@example.vn", "--role", "entrant")
    roles = db.session.execute(select(UserRole.role).order_by(UserRole.role)).scalars().all()
    assert roles == [Role.ENTRANT.value, Role.JUDGE.value]
