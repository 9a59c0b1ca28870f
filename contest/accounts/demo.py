"""Demo accounts: one or more per role, with Vietnamese names (idempotent, flush only)."""

from __future__ import annotations

from sqlalchemy import select

from ..areas.demo import coordinator_group
from ..areas.models import Area
from ..extensions import db
from .models import Role
from .operations import ensure_user, find_user

COORDINATOR_PROVINCE = "Tỉnh Tuyên Quang"

# (e-mail, full name, roles) — the coordinator is bound to the demo cluster of the communes
# that were the Yên Sơn district (contest.areas.demo.coordinator_group).
DEMO_USERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("admin@demo.vn", "Nguyễn Quản Trị", (Role.ADMIN.value, Role.ORGANIZER.value)),
    ("btc@demo.vn", "Trần Thị Tổ Chức", (Role.ORGANIZER.value,)),
    ("dieuphoi.yenson@demo.vn", "Hoàng Văn Điều Phối", (Role.COORDINATOR.value,)),
    ("giamkhao1@demo.vn", "PGS.TS. Lê Văn Hùng", (Role.JUDGE.value,)),
    ("giamkhao2@demo.vn", "TS. Phạm Thị Hương", (Role.JUDGE.value,)),
    ("giamkhao3@demo.vn", "ThS. Đỗ Minh Tuấn", (Role.JUDGE.value,)),
    ("thisinh@demo.vn", "Nguyễn Thị Thu Trang", (Role.ENTRANT.value,)),
)


def _coordinator_area() -> Area | None:
    """The demo province, "Tỉnh Tuyên Quang" (its cluster is the coordinator's group)."""
    return db.session.execute(
        select(Area).where(Area.name == COORDINATOR_PROVINCE, Area.parent_id.is_(None))
    ).scalar()


def seed_users(password: str) -> list[tuple[str, str, str]]:
    """Create the demo accounts that do not exist yet (existing e-mails are left alone) and
    return ``(role, e-mail, password)`` for every demo login available. Flushes only."""
    logins: list[tuple[str, str, str]] = []
    area = _coordinator_area()
    for email, full_name, roles in DEMO_USERS:
        if Role.COORDINATOR.value in roles and area is None:
            continue
        if find_user(email) is None:
            for i, role in enumerate(roles):
                ensured = ensure_user(
                    email,
                    role,
                    full_name=full_name,
                    password=password if i == 0 else None,
                    area=area if role == Role.COORDINATOR.value else None,
                )
                if role == Role.COORDINATOR.value:
                    assert area is not None  # coordinators were skipped above without one
                    coordinator_role = next(r for r in ensured.user.roles if r.role == role)
                    coordinator_role.group_id = coordinator_group(area).id
        logins.append((roles[0], email, password))
    db.session.flush()
    return logins
