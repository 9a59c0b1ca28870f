"""``contest user create … --province NAME`` (issue 17 part 2): an organizer or a judge bound
to a province of the instance, named as people type it; an unknown province or one not on the
instance exits 1 and writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from contest.accounts.models import User
from contest.areas.models import Area, AreaLevel
from contest.areas.provinces import Binding, binding_of
from contest.audit.models import AuditEntry
from contest.extensions import db
from tests import factories


def _create(runner, *args):
    return runner.invoke(args=["user", "create", *args])


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def _counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(User)),
        db.session.scalar(select(func.count()).select_from(AuditEntry)),
    )


@pytest.fixture()
def two_provinces(users):
    """Tuyên Quang made by hand (no code: ``users``'s) and Hà Nội with its official code."""
    tuyen_quang = db.session.scalars(select(Area).where(Area.name == "Tuyên Quang")).one()
    ha_noi = Area(name="Thành phố Hà Nội", level=AreaLevel.PROVINCE.value, code="01")
    db.session.add(ha_noi)
    db.session.commit()
    return {"tq": tuyen_quang, "hn": ha_noi}


@pytest.mark.parametrize("typed", ["Tuyên Quang", "tinh tuyen quang", "TỈNH TUYÊN QUANG"])
def test_an_organizer_is_bound_to_the_province_as_typed(runner, two_provinces, typed):
    result = _create(
        runner, "--email", "btc.tq@example.vn", "--role", "organizer", "--province", typed
    )
    assert result.exit_code == 0, result.output
    assert "Tỉnh, thành phố: Tuyên Quang." in result.output
    assert binding_of(_user("btc.tq@example.vn")) == Binding(two_provinces["tq"].id, strict=True)


def test_a_judge_is_bound_too_and_the_actor_recorded(runner, users, two_provinces):
    result = _create(
        runner, "--email", "gk@example.vn", "--role", "judge", "--province", "ha noi",
        "--actor", users["admin"].email,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = _user("gk@example.vn")
    assert binding_of(user) == Binding(two_provinces["hn"].id, strict=False)
    audit = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert audit.actor_id == users["admin"].id
    assert audit.details["province_id"] == two_provinces["hn"].id


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Đà Nẵng", "Thành phố Đà Nẵng chưa có trên hệ thống"),
        ("Xứ Sở Thần Tiên", "Không có tỉnh, thành phố nào tên “Xứ Sở Thần Tiên”"),
        ("Hà Giang", "đã hợp nhất vào Tỉnh Tuyên Quang"),
    ],
)
def test_an_unknown_province_exits_1_and_writes_nothing(runner, two_provinces, typed, message):
    before = _counts()
    result = _create(runner, "--email", "x@example.vn", "--role", "organizer", "--province", typed)
    assert result.exit_code == 1
    assert message in result.output
    assert _counts() == before and _user("x@example.vn") is None


def test_province_is_for_organizers_and_judges_only(runner, two_provinces):
    for role in ("coordinator", "admin", "entrant"):
        result = _create(runner, "--email", "x@example.vn", "--role", role, "--province", "Hà Nội")
        assert result.exit_code == 1 and "--province chỉ dùng với" in result.output
    assert _user("x@example.vn") is None


def test_an_existing_organizer_is_bound_once_and_never_moved(runner, users, two_provinces):
    email = users["organizer"].email  # instance-wide
    result = _create(runner, "--email", email, "--role", "organizer", "--province", "Hà Nội")
    assert result.exit_code == 0, result.output
    assert f"Đã gắn {email} (Ban Tổ chức) với Thành phố Hà Nội." in result.output
    assert binding_of(_user(email)) == Binding(two_provinces["hn"].id, strict=True)
    again = _create(runner, "--email", email, "--role", "organizer", "--province", "Hà Nội")
    assert again.exit_code == 0 and "đã có vai trò" in again.output
    moved = _create(runner, "--email", email, "--role", "organizer", "--province", "Tuyên Quang")
    assert moved.exit_code == 1
    assert "đã có vai trò Ban Tổ chức của Thành phố Hà Nội" in moved.output
    assert binding_of(_user(email)) == Binding(two_provinces["hn"].id, strict=True)


def test_two_provinces_of_the_same_name_are_refused(runner, two_provinces):
    factories.make_area("Tỉnh Tuyên Quang", AreaLevel.PROVINCE)
    result = _create(runner, "--email", "x@example.vn", "--role", "judge", "--province", "TQ 08")
    assert result.exit_code == 1
    result = _create(runner, "--email", "x@example.vn", "--role", "judge", "--province", "08")
    assert result.exit_code == 1 and "Có 2 tỉnh, thành phố cùng tên “Tuyên Quang”" in result.output
    assert _user("x@example.vn") is None


def test_without_province_nothing_changes(runner, users, two_provinces):
    result = _create(runner, "--email", "btc@example.vn", "--role", "organizer")
    assert result.exit_code == 0, result.output
    assert binding_of(_user("btc@example.vn")) is None
    assert "Tỉnh, thành phố" not in result.output
