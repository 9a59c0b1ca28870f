"""Finding areas and units by the names people type (imports): case, spacing, Unicode
composition and a leading "Huyện", "Thành phố", "Xã", … do not matter. A name that matches
no area or several is not guessed: the caller keeps it as text."""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from sqlalchemy import select

from ..areas.models import Area, Unit
from ..extensions import db

AREA_PREFIXES = ("thành phố", "tp.", "tp", "huyện", "thị xã", "thị trấn", "quận", "xã", "phường")


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _bare(name: str) -> str:
    """A place name without its administrative prefix ("Huyện Yên Sơn" → "yên sơn")."""
    norm = _norm(name)
    for prefix in AREA_PREFIXES:
        if norm.startswith(prefix + " "):
            return norm[len(prefix) + 1 :]
    return norm


class PlaceNames:
    """Area and unit lookups by normalised name (two queries per import)."""

    def __init__(self) -> None:
        self.areas: dict[str, list[Area]] = defaultdict(list)
        self.bare_areas: dict[str, list[Area]] = defaultdict(list)
        for area in db.session.execute(select(Area)).scalars():
            self.areas[_norm(area.name)].append(area)
            self.bare_areas[_bare(area.name)].append(area)
        self.units: dict[str, list[Unit]] = defaultdict(list)
        for unit in db.session.execute(select(Unit)).scalars():
            self.units[_norm(unit.name)].append(unit)

    def area(self, text: str) -> Area | None:
        """The one area named ``text``; None when none or several match."""
        found = self.areas.get(_norm(text)) or self.bare_areas.get(_bare(text)) or []
        return found[0] if len(found) == 1 else None

    def unit(self, text: str, area: Area | None) -> Unit | None:
        """The one unit named ``text`` (in ``area`` when several share the name)."""
        found = self.units.get(_norm(text), [])
        if len(found) > 1 and area is not None:
            found = [u for u in found if u.area_id == area.id]
        return found[0] if len(found) == 1 else None
