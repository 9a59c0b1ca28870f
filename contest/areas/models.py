"""Areas (province, commune/ward; former districts kept for old editions), units (schools,
companies, agencies) and groups of communes or units for coordinators (clusters, sectors)."""

from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model


class AreaLevel(enum.StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


class Area(Model):
    """A node of the area tree. Names are unique among siblings. ``code`` is the official
    code (province ``08``, commune/ward ``02269``), unique where present; "" for an area made
    by hand (or a district, abolished on 1 July 2025, kept for the editions that ran with it).
    """

    __tablename__ = "areas"
    __table_args__ = (
        UniqueConstraint("parent_id", "name"),
        CheckConstraint("level IN ('province', 'district', 'commune')", name="level_valid"),
        Index(
            "uq_areas_code",
            "code",
            unique=True,
            sqlite_where=text("code != ''"),
            postgresql_where=text("code != ''"),
        ),
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


class Unit(Model):
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


class GroupKind(enum.StrEnum):
    CLUSTER = "cluster"
    SECTOR = "sector"


class AreaGroup(Model):
    """A group an organizer defines inside a province for coordinators, since districts are
    gone: a cluster of communes, or a sector (e.g. the education department's schools).
    Its members are communes/wards (with everything under them) and units."""

    __tablename__ = "area_groups"
    __table_args__ = (
        UniqueConstraint("province_id", "name"),
        CheckConstraint("kind IN ('cluster', 'sector')", name="kind_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(
        ForeignKey("areas.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=GroupKind.CLUSTER.value)
    description: Mapped[str] = mapped_column(Text, default="")

    province: Mapped[Area] = relationship()
    areas: Mapped[list[Area]] = relationship(
        secondary="area_group_areas", order_by="(Area.position, Area.name)"
    )
    units: Mapped[list[Unit]] = relationship(secondary="area_group_units", order_by="Unit.name")


class AreaGroupArea(Model):
    """A commune/ward (or any area) in a group."""

    __tablename__ = "area_group_areas"
    __table_args__ = (UniqueConstraint("group_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("area_groups.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)


class AreaGroupUnit(Model):
    """A unit (school, company, agency) in a group."""

    __tablename__ = "area_group_units"
    __table_args__ = (UniqueConstraint("group_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("area_groups.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
