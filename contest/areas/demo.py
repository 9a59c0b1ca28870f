"""Demo data for the area tree: Tuyên Quang as it is since 1 July 2025 (its 124 communes and
wards, from the official list), a few units, and a cluster of communes for the demo
coordinator — the communes that were the Yên Sơn district."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import Area, AreaGroup, GroupKind, Unit, UnitKind
from .official import seed_official_province

DEMO_PROVINCE = "Tuyên Quang"

# Where the demo's entries and units lie: a former district's name (as the demo data names
# places) → a commune/ward of the 2025 map that took over its centre.
DEMO_COMMUNES: dict[str, str] = {
    "Thành phố Tuyên Quang": "Phường Minh Xuân",
    "Lâm Bình": "Xã Lâm Bình",
    "Na Hang": "Xã Nà Hang",
    "Chiêm Hóa": "Xã Chiêm Hoá",
    "Hàm Yên": "Xã Hàm Yên",
    "Yên Sơn": "Xã Yên Sơn",
    "Sơn Dương": "Xã Sơn Dương",
}

DEMO_UNITS: tuple[tuple[str, str, str], ...] = (
    ("Phường Minh Xuân", "Trường THPT Chuyên Tuyên Quang", UnitKind.SCHOOL.value),
    ("Xã Yên Sơn", "Trường THCS Yên Sơn", UnitKind.SCHOOL.value),
    ("Xã Hàm Yên", "Trường Tiểu học Hàm Yên", UnitKind.SCHOOL.value),
    ("Xã Yên Sơn", "Công ty Cổ phần Xi măng Tân Quang", UnitKind.COMPANY.value),
)

# The demo coordinator's cluster: communes of the 2025 map formed from the Yên Sơn district.
YEN_SON_CLUSTER = "Cụm các xã Yên Sơn (huyện cũ)"
YEN_SON_COMMUNES: tuple[str, ...] = (
    "Xã Yên Sơn",
    "Xã Thái Bình",
    "Xã Tân Long",
    "Xã Xuân Vân",
    "Xã Lực Hành",
    "Xã Nhữ Khê",
    "Xã Trung Sơn",
    "Xã Kiến Thiết",
    "Xã Hùng Lợi",
)


def demo_area(name: str, province: Area | None = None) -> Area | None:
    """The area of the demo data called ``name`` (a former district's name is mapped to its
    commune of the 2025 map), under the demo province when given."""
    stmt = select(Area).where(Area.name == DEMO_COMMUNES.get(name, name))
    if province is not None:
        stmt = stmt.where(Area.parent_id == province.id)
    return db.session.scalars(stmt.order_by(Area.id)).first()


def coordinator_group(province: Area) -> AreaGroup:
    """The demo cluster of the former Yên Sơn communes (created with its members if absent)."""
    group = db.session.scalar(
        select(AreaGroup).where(
            AreaGroup.province_id == province.id, AreaGroup.name == YEN_SON_CLUSTER
        )
    )
    if group is None:
        group = AreaGroup(
            province_id=province.id,
            name=YEN_SON_CLUSTER,
            kind=GroupKind.CLUSTER.value,
            description="Các xã hình thành từ huyện Yên Sơn trước ngày 1/7/2025.",
        )
        db.session.add(group)
        db.session.flush()
        group.areas.extend(a for n in YEN_SON_COMMUNES if (a := demo_area(n, province)))
        db.session.flush()
    return group


def seed_areas() -> Area:
    """Seed the province with its communes and wards, the demo units and the demo cluster
    where absent (idempotent); flush only, the caller commits. Returns the province."""
    province = seed_official_province(DEMO_PROVINCE).province
    for area_name, unit_name, kind in DEMO_UNITS:
        area = demo_area(area_name, province)
        if area is None:
            continue
        exists = db.session.execute(
            select(Unit.id).where(Unit.area_id == area.id, Unit.name == unit_name)
        ).first()
        if exists is None:
            db.session.add(Unit(area_id=area.id, name=unit_name, kind=kind))
    db.session.flush()
    coordinator_group(province)
    return province
