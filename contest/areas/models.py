"""Areas (province, district, commune) and units (schools, companies, agencies)."""

from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class AreaLevel(enum.StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


class Area(db.Model):
    """A node of the area tree. Names are unique among siblings."""

    __tablename__ = "areas"
    __table_args__ = (
        UniqueConstraint("parent_id", "name"),
        CheckConstraint("level IN ('province', 'district', 'commune')", name="level_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("areas.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[int] = mapped_column(default=0)

    parent: Mapped[Area | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Area]] = relationship(
        back_populates="parent", order_by="(Area.position, Area.name)"
    )
    units: Mapped[list[Unit]] = relationship(back_populates="area", order_by="Unit.name")

    def __repr__(self) -> str:
        return f"<Area {self.id} {self.name}>"


class UnitKind(enum.StrEnum):
    SCHOOL = "school"
    COMPANY = "company"
    AGENCY = "agency"
    OTHER = "other"


class Unit(db.Model):
    """A school, company or agency; it belongs to one area."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("area_id", "name"),
        CheckConstraint("kind IN ('school', 'company', 'agency', 'other')", name="kind_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default=UnitKind.OTHER.value)

    area: Mapped[Area] = relationship(back_populates="units")
