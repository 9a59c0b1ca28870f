"""Conflicts of interest (RULES.md §4): declared by the judge (or recorded by an organizer)
and inferred by the service.

Declared (:class:`Conflict` rows): a unit (by id or by name), an area (covers every area under
it), an entry, a person (matches an author's or the mentor's name) or an entry the judge
mentored.

Inferred, never stored:

* the judge's unit is the entry's unit, or an author's organisation: same ``unit_id``, or the
  same normalised unit name (the judge's typed unit name or the name of their unit);
* the judge is the entry's mentor: same normalised name (academic titles such as "PGS.TS."
  ignored) or the same e-mail.

Names are compared normalised: Unicode NFC, case-folded, spacing collapsed (diacritics
matter: "Hùng" and "Hưng" are different people).

:class:`ConflictIndex` loads the few columns it needs once (judges, declared conflicts,
entries, authors, areas) and computes every conflicted pair set-wise: each entry is indexed by
its keys (unit id, unit names, person names, mentor e-mail, areas up the tree, id), each judge
looks up its own keys — no judge × entry loop.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import literal, null, select, union_all

from ..accounts.models import User
from ..areas.models import Area, Unit
from ..audit.operations import record
from ..contests.models import Edition
from ..entries.models import Author, Entry
from ..errors import UserError
from ..extensions import db
from .models import Conflict, ConflictKind, ConflictOrigin

TITLE_RE = re.compile(
    r"^((gs|pgs|ts|tskh|ths|ks|bs|cn|ds|ls|nghệ nhân|nnut|nnnd|kts)\.?\s*)+", re.IGNORECASE
)


def normalise(text: str | None) -> str:
    """``text`` NFC, case-folded, with single spaces."""
    return " ".join(unicodedata.normalize("NFC", text or "").split()).casefold()


def person_key(name: str | None) -> str:
    """A person's name, normalised, without leading academic titles ("PGS.TS. Lê Hùng")."""
    norm = normalise(name)
    stripped = TITLE_RE.sub("", norm).strip(" .")
    return stripped or norm


@dataclass(frozen=True)
class Reason:
    """Why a judge may not judge an entry; ``detail`` names the unit, area or person (for
    organizers and the judge, never for anyone else)."""

    kind: ConflictKind
    inferred: bool
    detail: str = ""

    def __str__(self) -> str:
        """The reason in words (Vietnamese msgid)."""
        if self.kind == ConflictKind.UNIT:
            text = (
                _("cùng đơn vị %(unit)s", unit=self.detail)
                if self.inferred
                else _("đã khai xung đột với đơn vị %(unit)s", unit=self.detail)
            )
        elif self.kind == ConflictKind.AREA:
            text = _("đã khai xung đột với địa bàn %(area)s", area=self.detail)
        elif self.kind == ConflictKind.ENTRY:
            text = _("đã khai xung đột với hồ sơ này")
        elif self.kind == ConflictKind.PERSON:
            text = _("đã khai quan hệ với %(name)s", name=self.detail)
        else:
            text = _("là người hướng dẫn của hồ sơ")
        return text


class ConflictIndex:
    """Every conflicted (judge, entry) pair of an edition among ``judge_ids`` and
    ``entry_ids`` (None: every entry of the edition), loaded once."""

    def __init__(
        self, edition_id: int, judge_ids: Iterable[int], entry_ids: Iterable[int] | None = None
    ) -> None:
        self.edition_id = edition_id
        self.judge_ids = sorted(set(judge_ids))
        self.entry_ids = None if entry_ids is None else sorted(set(entry_ids))
        self._by_key: dict[tuple, set[int]] = defaultdict(set)
        # (entry id, unit id, unit name, area id, mentor name, mentor e-mail) per entry,
        # (entry id, full name, organisation) per author, (id, full name, e-mail, unit id,
        # unit name) per judge: rows of a query, or tuples of loaded objects
        self.entry_rows: Sequence[Any] = []
        self.author_rows: Sequence[Any] = []
        self.judge_rows: Sequence[Any] = []
        self.reasons: dict[tuple[int, int], list[Reason]] = defaultdict(list)
        if self.judge_ids and (self.entry_ids is None or self.entry_ids):
            self._load()
            self._index_entries()
            self._match_judges()

    # --- loading: six queries, only the rows and columns needed ------------------------------

    @classmethod
    def of_pair(cls, judge: User, entry: Entry) -> ConflictIndex:
        """The index of one (judge, entry) pair, both already loaded: their own columns are
        read from the objects, so only the authors, the judge's declared conflicts and the
        names of units and areas are asked for (two or three statements: this runs on every
        autosave)."""
        index = cls(entry.edition_id, [])
        index.judge_ids, index.entry_ids = [judge.id], [entry.id]
        index.entry_rows = [
            (
                entry.id,
                entry.unit_id,
                entry.unit_name,
                entry.area_id,
                entry.mentor_name,
                entry.mentor_email,
            )
        ]
        index.judge_rows = [
            (judge.id, judge.full_name, judge.email, judge.unit_id, judge.unit_name)
        ]
        index.author_rows = db.session.execute(
            select(Author.entry_id, Author.full_name, Author.organisation).where(
                Author.entry_id == entry.id
            )
        ).all()
        index._load_declared_and_names()
        index._index_entries()
        index._match_judges()
        return index

    def _load(self) -> None:
        """Entries, authors, judges and declared conflicts, then the units and the areas
        (with their ancestors) they name."""
        entries = select(
            Entry.id,
            Entry.unit_id,
            Entry.unit_name,
            Entry.area_id,
            Entry.mentor_name,
            Entry.mentor_email,
        ).where(Entry.edition_id == self.edition_id)
        authors = select(Author.entry_id, Author.full_name, Author.organisation).join(Entry)
        authors = authors.where(Entry.edition_id == self.edition_id)
        if self.entry_ids is not None:
            entries = entries.where(Entry.id.in_(self.entry_ids))
            authors = authors.where(Author.entry_id.in_(self.entry_ids))
        self.entry_rows = db.session.execute(entries).all()
        self.author_rows = db.session.execute(authors).all()
        self.judge_rows = db.session.execute(
            select(User.id, User.full_name, User.email, User.unit_id, User.unit_name).where(
                User.id.in_(self.judge_ids)
            )
        ).all()
        self._load_declared_and_names()

    def _load_declared_and_names(self) -> None:
        """The judges' declared conflicts, then the names of the units and areas (with their
        ancestors) that the entries, judges and conflicts name, in one statement."""
        self.declared = db.session.scalars(
            select(Conflict).where(
                Conflict.edition_id == self.edition_id, Conflict.judge_id.in_(self.judge_ids)
            )
        ).all()
        units = [r[1] for r in self.entry_rows] + [r[3] for r in self.judge_rows]
        units += [c.unit_id for c in self.declared]
        areas = [r[3] for r in self.entry_rows] + [c.area_id for c in self.declared]
        unit_ids = {i for i in units if i is not None}
        area_ids = {i for i in areas if i is not None}
        self.unit_names, self.area_parents, self.area_names = _names(unit_ids, area_ids)

    # --- entries -----------------------------------------------------------------------------

    def _index_entries(self) -> None:
        """Index every entry by the keys a judge may collide with. Names, units and
        organisations repeat across entries: each distinct text is normalised once."""
        parents, unit_names = self.area_parents, self.unit_names
        norms: dict[str | None, str] = {}
        people: dict[str | None, str] = {}
        add = self._add

        def norm(text: str | None) -> str:
            found = norms.get(text)
            if found is None:
                found = norms[text] = normalise(text)
            return found

        def person(name: str | None) -> str:
            found = people.get(name)
            if found is None:
                found = people[name] = person_key(name)
            return found

        for entry_id, unit_id, unit_name, area_id, mentor, mentor_email in self.entry_rows:
            add(("entry", entry_id), entry_id)
            if unit_id is not None:
                add(("unit_id", unit_id), entry_id)
                add(("unit_name", norm(unit_names.get(unit_id))), entry_id)
            add(("unit_name", norm(unit_name)), entry_id)
            mentor_key = person(mentor)
            add(("person", mentor_key), entry_id)
            add(("mentor", mentor_key), entry_id)
            add(("mentor_email", norm(mentor_email)), entry_id)
            seen = set()
            while area_id is not None and area_id not in seen:
                seen.add(area_id)
                add(("area", area_id), entry_id)
                area_id = parents.get(area_id)
        for entry_id, full_name, organisation in self.author_rows:
            add(("person", person(full_name)), entry_id)
            add(("unit_name", norm(organisation)), entry_id)

    def _add(self, key: tuple, entry_id: int) -> None:
        """Index ``entry_id`` under ``key`` (empty values are no key)."""
        if key[-1] not in ("", None):
            self._by_key[key].add(entry_id)

    # --- judges ------------------------------------------------------------------------------

    def _match_judges(self) -> None:
        """Look up each judge's keys (own unit, mentor identity, declared conflicts)."""
        unit_names, area_names = self.unit_names, self.area_names
        for judge_id, full_name, email, unit_id, unit_name in self.judge_rows:
            own_unit = unit_name or unit_names.get(unit_id, "")
            if unit_id is not None:
                self._hit(judge_id, ("unit_id", unit_id), Reason(ConflictKind.UNIT, True, own_unit))
            for name in {n for n in (unit_name, unit_names.get(unit_id)) if n}:
                self._hit(
                    judge_id, ("unit_name", normalise(name)), Reason(ConflictKind.UNIT, True, name)
                )
            mentor = Reason(ConflictKind.MENTOR, True)
            self._hit(judge_id, ("mentor", person_key(full_name)), mentor)
            self._hit(judge_id, ("mentor_email", normalise(email)), mentor)
        for conflict in self.declared:
            for key, reason in _declared_keys(conflict, unit_names, area_names):
                self._hit(conflict.judge_id, key, reason)

    def _hit(self, judge_id: int, key: tuple, reason: Reason) -> None:
        """Record ``reason`` for ``judge_id`` and every entry under ``key``."""
        if key[-1] in ("", None):
            return
        for entry_id in self._by_key.get(key, ()):
            found = self.reasons[(judge_id, entry_id)]
            if reason not in found:
                found.append(reason)

    # --- answers -----------------------------------------------------------------------------

    def pairs(self) -> set[tuple[int, int]]:
        """Conflicted ``(entry id, judge id)`` pairs (the shape :func:`.assignment.assign`
        takes)."""
        return {(entry_id, judge_id) for (judge_id, entry_id) in self.reasons}

    def of(self, judge_id: int, entry_id: int) -> list[Reason]:
        """The reasons ``judge_id`` may not judge ``entry_id`` (empty: none)."""
        return list(self.reasons.get((judge_id, entry_id), ()))


def _names(
    unit_ids: set[int], area_ids: set[int]
) -> tuple[dict[int | None, str], dict[int, int | None], dict[int, str]]:
    """Names of ``unit_ids``; parents and names of ``area_ids`` and of every area above them
    (a recursive CTE). One statement, none when there is nothing to name."""
    parts = []
    if area_ids:
        up = (
            select(Area.id, Area.parent_id, Area.name)
            .where(Area.id.in_(area_ids))
            .cte("conflict_areas", recursive=True)
        )
        up = up.union(select(Area.id, Area.parent_id, Area.name).where(Area.id == up.c.parent_id))
        parts.append(select(literal("area"), up.c.id, up.c.parent_id, up.c.name))
    if unit_ids:
        parts.append(
            select(literal("unit"), Unit.id, null().label("parent_id"), Unit.name).where(
                Unit.id.in_(unit_ids)
            )
        )
    units: dict[int | None, str] = {}
    parents: dict[int, int | None] = {}
    names: dict[int, str] = {}
    if not parts:
        return units, parents, names
    stmt = parts[0] if len(parts) == 1 else union_all(*parts)
    for kind, id_, parent_id, name in db.session.execute(stmt):
        if kind == "unit":
            units[id_] = name
        else:
            parents[id_], names[id_] = parent_id, name
    return units, parents, names


def _declared_keys(
    conflict: Conflict, unit_names: dict[int | None, str], area_names: dict[int, str]
) -> list[tuple[tuple, Reason]]:
    """The entry keys a declared conflict collides with, each with its reason."""
    kind = ConflictKind(conflict.kind)
    if kind == ConflictKind.UNIT:
        name = conflict.name or unit_names.get(conflict.unit_id, "")
        reason = Reason(kind, False, name)
        keys: list[tuple[tuple, Reason]] = [(("unit_name", normalise(name)), reason)]
        if conflict.unit_id is not None:
            keys.append((("unit_id", conflict.unit_id), reason))
        return keys
    if kind == ConflictKind.AREA:
        # An area conflict names its area (a check constraint), whose name was loaded.
        assert conflict.area_id is not None
        detail = area_names.get(conflict.area_id, "")
        return [(("area", conflict.area_id), Reason(kind, False, detail))]
    if kind == ConflictKind.PERSON:
        return [(("person", person_key(conflict.name)), Reason(kind, False, conflict.name))]
    return [(("entry", conflict.entry_id), Reason(kind, False))]


def conflicted(judge: User, entry: Entry) -> list[Reason]:
    """Why ``judge`` may not judge ``entry`` (empty list: no conflict)."""
    return ConflictIndex.of_pair(judge, entry).of(judge.id, entry.id)


class ConflictRefused(UserError):
    """A declared conflict is invalid; ``message`` is for the user."""


def declare_conflict(
    edition: Edition,
    judge: User,
    kind: str,
    actor: User | None,
    *,
    unit: Unit | None = None,
    area: Area | None = None,
    entry: Entry | None = None,
    name: str = "",
    note: str = "",
    void_submitted: bool = False,
) -> Conflict:
    """Record a conflict of ``judge`` in ``edition`` (declared by the judge when ``actor`` is
    the judge, else recorded by an organizer). The judge's assignments that now conflict go
    in the same transaction (:mod:`.recusal`: drafts deleted, submitted sheets kept unless
    ``void_submitted``; audited); what went is ``conflict.dropped``. Flushes."""
    from .recusal import drop_conflicted_assignments_for

    kind = ConflictKind(kind)
    name = " ".join((name or "").split())
    if entry is not None and entry.edition_id != edition.id:
        raise ConflictRefused(_("Hồ sơ không thuộc lần thi này."))
    conflict = Conflict(
        edition_id=edition.id,
        judge_id=judge.id,
        kind=kind.value,
        origin=(
            ConflictOrigin.DECLARED.value
            if getattr(actor, "id", None) == judge.id
            else ConflictOrigin.ORGANIZER.value
        ),
        unit_id=unit.id if unit is not None else None,
        area_id=area.id if area is not None else None,
        entry_id=entry.id if entry is not None else None,
        name=name,
        note=note or "",
        created_by_id=getattr(actor, "id", None),
    )
    missing = {
        ConflictKind.UNIT: unit is None and not name,
        ConflictKind.AREA: area is None,
        ConflictKind.ENTRY: entry is None,
        ConflictKind.MENTOR: entry is None,
        ConflictKind.PERSON: not name,
    }[kind]
    if missing:
        raise ConflictRefused(_("Hãy chọn hoặc ghi rõ đối tượng xung đột."))
    db.session.add(conflict)
    db.session.flush()
    record(
        actor, "judging.conflict_declare", "user", judge.id, kind=kind.value, conflict=conflict.id
    )
    conflict.dropped = drop_conflicted_assignments_for(
        edition.id, actor, judge_ids=[judge.id], void_submitted=void_submitted
    )
    return conflict
