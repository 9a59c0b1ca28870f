"""Finding areas by the names people type: a command's ``--area``, a cell of an imported file,
the area of a judge's conflict. Case, spacing and Unicode composition never matter; a leading
"Huyện", "Thành phố", "Xã", … may be left out (a name written in full is preferred); "Tuyên
Quang / Yên Sơn" names an area together with its parents. A name that matches no area or
several is never guessed: the caller says so, or keeps the name as text."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select

from ..extensions import db
from ..text import nfc
from .models import Area

AREA_PREFIXES = ("thành phố", "tp.", "tp", "huyện", "thị xã", "thị trấn", "quận", "xã", "phường")


def name_key(text: str | None) -> str:
    """``text`` as names are compared: NFC, case-folded, single spaces."""
    return " ".join(nfc(text).split()).casefold()


def bare_key(name: str | None) -> str:
    """A place name compared without its administrative prefix ("Huyện Yên Sơn" → "yên sơn")."""
    key = name_key(name)
    for prefix in AREA_PREFIXES:
        if key.startswith(prefix + " "):
            return key[len(prefix) + 1 :]
    return key


def _names(area: Area, text: str) -> bool:
    """True when ``text`` is a way to write the name of ``area``."""
    return name_key(area.name) == name_key(text) or bare_key(area.name) == bare_key(text)


class AreaNames:
    """Every area by its name as typed (one query: an import looks up many names)."""

    def __init__(self, areas: Iterable[Area] | None = None) -> None:
        if areas is None:
            areas = db.session.scalars(select(Area).order_by(Area.id))
        self.by_name: dict[str, list[Area]] = defaultdict(list)
        self.by_bare_name: dict[str, list[Area]] = defaultdict(list)
        for area in areas:
            self.by_name[name_key(area.name)].append(area)
            self.by_bare_name[bare_key(area.name)].append(area)

    def named(self, text: str) -> list[Area]:
        """The areas called ``text``: those with that full name, else those with that name
        without its prefix."""
        return list(self.by_name.get(name_key(text)) or self.by_bare_name.get(bare_key(text)) or [])

    def area(self, text: str) -> Area | None:
        """The one area called ``text``; None when none or several are."""
        found = self.named(text)
        return found[0] if len(found) == 1 else None

    def at_path(self, target: str) -> list[Area]:
        """The areas ``target`` names, with or without its parents ("Tỉnh / Huyện / Xã",
        separated by "/"); empty for an empty target."""
        parts = [part for part in target.split("/") if part.strip()]
        if not parts:
            return []
        found = []
        for area in self.named(parts[-1]):
            up = area.parent
            for part in reversed(parts[:-1]):
                if up is None or not _names(up, part):
                    break
                up = up.parent
            else:
                found.append(area)
        return found


def areas_named(target: str) -> list[Area]:
    """The areas that ``target``, as a person typed it, names (:meth:`AreaNames.at_path`)."""
    return AreaNames().at_path(target)
