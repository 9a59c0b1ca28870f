"""Demo data for the area tree: Tuyên Quang, its districts and a few units."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import Area, Unit, UnitKind
from .operations import find_area, seed_province

DEMO_UNITS: tuple[tuple[str, str, str], ...] = (
    ("Thành phố Tuyên Quang", "Trường THPT Chuyên Tuyên Quang", UnitKind.SCHOOL.value),
    ("Yên Sơn", "Trường THCS Yên Sơn", UnitKind.SCHOOL.value),
    ("Hàm Yên", "Trường Tiểu học Hàm Yên", UnitKind.SCHOOL.value),
    ("Yên Sơn", "Công ty Cổ phần Xi măng Tân Quang", UnitKind.COMPANY.value),
)


def seed_areas() -> Area:
    """Seed the province, its districts and the demo units where absent (idempotent);
    flush only, the caller commits. Returns the province."""
    province = seed_province()
    for district_name, unit_name, kind in DEMO_UNITS:
        district = find_area(district_name, province)
        if district is None:
            continue
        exists = db.session.execute(
            select(Unit.id).where(Unit.area_id == district.id, Unit.name == unit_name)
        ).first()
        if exists is None:
            db.session.add(Unit(area_id=district.id, name=unit_name, kind=kind))
    db.session.flush()
    return province
