"""Demo accounts: idempotent, one or more per role, coordinator bound to the demo cluster of
the former Yên Sơn communes (the 2025 map has no districts)."""

from __future__ import annotations

from sqlalchemy import func, select

from contest.accounts.demo import seed_users
from contest.accounts.models import User
from contest.accounts.passwords import verify_password
from contest.areas.demo import YEN_SON_CLUSTER
from contest.areas.models import AreaGroup, AreaLevel
from contest.extensions import db
from tests import factories

PASSWORD = "demo-2025!"


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_seed_users_creates_every_role_and_is_idempotent(app):
    province = factories.make_area("Tỉnh Tuyên Quang")
    yen_son = factories.make_area("Xã Yên Sơn", AreaLevel.COMMUNE, parent=province)
    logins = seed_users(PASSWORD)
    db.session.commit()
    emails = [email for _, email, _ in logins]
    assert emails == [
        "admin@demo.vn",
        "btc@demo.vn",
        "dieuphoi.yenson@demo.vn",
        "giamkhao1@demo.vn",
        "giamkhao2@demo.vn",
        "giamkhao3@demo.vn",
        "thisinh@demo.vn",
    ]
    by_email = {u.email: u for u in db.session.execute(select(User)).scalars()}
    assert by_email["admin@demo.vn"].role_names == {"admin", "organizer"}
    coordinator = by_email["dieuphoi.yenson@demo.vn"]
    assert coordinator.coordinator_area_id() == province.id
    group = db.session.get(AreaGroup, coordinator.coordinator_group_id())
    assert group.name == YEN_SON_CLUSTER and [a.id for a in group.areas] == [yen_son.id]
    assert by_email["thisinh@demo.vn"].role_names == {"entrant"}
    assert all(verify_password(u.password_hash, PASSWORD) for u in by_email.values())
    assert all(u.full_name for u in by_email.values())

    count = _count()
    assert seed_users(PASSWORD) == logins
    db.session.commit()
    assert _count() == count


def test_seed_users_skips_the_coordinator_without_the_province(app):
    logins = seed_users(PASSWORD)
    db.session.commit()
    assert "dieuphoi.yenson@demo.vn" not in [email for _, email, _ in logins]
    assert _count() == 6
