"""What a national edition received from each province: per province its entries, with the
provincial result and the completeness of their files. Read-only."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..contests.models import Edition
from ..entries.completeness import attachment_label, missing_kinds
from ..entries.models import Entry
from ..extensions import db
from .models import NationalArrival


@dataclass
class Arrival:
    """One entry received: its provenance, the files that arrived, the kinds it lacks."""

    arrival: NationalArrival
    entry: Entry
    files: int
    missing: list[str]

    @property
    def complete(self) -> bool:
        """Every declared file arrived and the field's checklist is met."""
        return self.files >= self.arrival.files_expected and not self.missing


@dataclass
class Province:
    """A sending province and what arrived from it."""

    name: str
    code: str
    arrivals: list[Arrival] = field(default_factory=list)

    @property
    def complete_count(self) -> int:
        return sum(1 for a in self.arrivals if a.complete)

    @property
    def last_at(self):
        return max(a.arrival.updated_at for a in self.arrivals)


def by_province(edition: Edition) -> list[Province]:
    """The edition's arrivals grouped by province (by name), entries by national code."""
    rows = db.session.scalars(
        select(NationalArrival)
        .where(NationalArrival.edition_id == edition.id)
        .options(
            selectinload(NationalArrival.entry).selectinload(Entry.attachments),
            selectinload(NationalArrival.entry).selectinload(Entry.field),
        )
    )
    out: dict[str, Province] = {}
    for row in rows:
        entry = row.entry
        province = out.setdefault(row.province_code, Province(row.province_name, row.province_code))
        province.arrivals.append(
            Arrival(
                row,
                entry,
                len(entry.attachments),
                [attachment_label(k) for k in missing_kinds(entry)],
            )
        )
    for province in out.values():
        province.arrivals.sort(key=lambda a: a.entry.code or "")
    return sorted(out.values(), key=lambda p: p.name)
