"""Finding areas and units by the names people type (imports). Areas are found as everywhere
(:mod:`contest.areas.lookup`); units by their name compared the same way (NFC, case, spacing),
within the row's area when several share it. A name that matches no place or several is not
guessed: the caller keeps it as text."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from ..areas.lookup import AreaNames, name_key
from ..areas.models import Area, Unit
from ..extensions import db


class PlaceNames:
    """Area and unit lookups by normalised name (two queries per import)."""

    def __init__(self) -> None:
        self.areas = AreaNames(db.session.execute(select(Area)).scalars())
        self.units: dict[str, list[Unit]] = defaultdict(list)
        for unit in db.session.execute(select(Unit)).scalars():
            self.units[name_key(unit.name)].append(unit)

    def area(self, text: str) -> Area | None:
        """The one area named ``text``; None when none or several match."""
        return self.areas.area(text)

    def unit(self, text: str, area: Area | None) -> Unit | None:
        """The one unit named ``text`` (in ``area`` when several share the name)."""
        found = self.units.get(name_key(text), [])
        if len(found) > 1 and area is not None:
            found = [u for u in found if u.area_id == area.id]
        return found[0] if len(found) == 1 else None
