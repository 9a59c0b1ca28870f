"""Writing a spec onto an edition and its children, deletion guards, and definition diffs.

Children are matched by code: a code present before and after is updated in place (its id,
and so every score or entry pointing at it, is kept); a new code is added; a code that
disappears is deleted — unless a deletion guard objects (see :func:`register_delete_guard`).
Retired criteria are never touched here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..extensions import db
from .models import Board, Criterion, Edition, EditionField, PrizeLevel, Round
from .spec import EditionSpec

CHILD_MODELS: dict[str, type] = {
    "fields": EditionField,
    "boards": Board,
    "criteria": Criterion,
    "rounds": Round,
    "prizes": PrizeLevel,
}

Guard = Callable[[Any], str | None]
DELETE_GUARDS: dict[str, list[Guard]] = {key: [] for key in CHILD_MODELS}


def register_delete_guard(kind: str) -> Callable[[Guard], Guard]:
    """Mark ``guard(obj) -> reason | None`` as refusing the deletion of a child of ``kind``
    (``fields``, ``boards``, ``criteria``, ``rounds``, ``prizes``); it takes effect once
    added with :func:`add_delete_guard` (``create_app`` does it: ``contest.wiring``). Later
    features use it: judging refuses to delete a criterion that has scores (retire it
    instead), entries refuse to delete a field or board that has entries."""

    def decorator(guard: Guard) -> Guard:
        guard.delete_guard_kind = kind  # type: ignore[attr-defined]
        return guard

    return decorator


def is_delete_guard(obj: object) -> bool:
    """True for a function marked with :func:`register_delete_guard`."""
    return callable(obj) and getattr(obj, "delete_guard_kind", None) in DELETE_GUARDS


def add_delete_guard(guard: Guard, kind: str | None = None) -> None:
    """Let ``guard`` refuse deletions of children of its kind (its mark, or ``kind``); adding
    the same guard twice is harmless."""
    guards = DELETE_GUARDS[kind or guard.delete_guard_kind]  # type: ignore[attr-defined]
    if guard not in guards:
        guards.append(guard)


def deletion_blockers(kind: str, obj: object) -> list[str]:
    """Why ``obj`` (a child of ``kind``) may not be deleted; empty when it may."""
    return [reason for guard in DELETE_GUARDS[kind] if (reason := guard(obj))]


def removed_children(edition: Edition, spec: EditionSpec) -> dict[str, list]:
    """Children of ``edition`` that applying ``spec`` would delete, by kind."""
    out = {}
    for kind in CHILD_MODELS:
        keep = {item.code for item in getattr(spec, kind)}
        current = _current(edition, kind)
        out[kind] = [obj for obj in current if obj.code not in keep]
    return out


def _current(edition: Edition, kind: str) -> list:
    items = list(getattr(edition, kind))
    if kind == "criteria":
        items = [c for c in items if c.retired_at is None]
    return items


SCALARS = (
    "title",
    "kind",
    "number",
    "description",
    "organizing_units",
    "opens_at",
    "submission_deadline",
    "reference_date",
    "age_min",
    "age_max",
    "max_authors",
    "applied_since",
    "judges_per_entry",
    "discrepancy_threshold",
    "national_max",
    "judging_starts_at",
    "judging_ends_at",
)


def apply_spec(edition: Edition, spec: EditionSpec) -> None:
    """Make ``edition`` (new or stored) match ``spec``. The caller validated ``spec``."""
    edition.slug = spec.slug
    for name in SCALARS:
        setattr(edition, name, getattr(spec, name))
    edition.organizer_only_attachments = list(spec.organizer_only_attachments)
    _sync(
        edition.fields,
        EditionField,
        [
            {"code": f.code, "name": f.name, "required_attachments": list(f.attachments)}
            for f in spec.fields
        ],
    )
    _sync(edition.boards, Board, [{"code": b.code, "name": b.name} for b in spec.boards])
    tiebreak = {code: i for i, code in enumerate(spec.tiebreak or [])}
    _sync(
        edition.criteria,
        Criterion,
        [
            {
                "code": c.code,
                "name": c.name,
                "max_points": c.max_points,
                "tiebreak_position": tiebreak.get(c.code),
                "guidance": c.guidance or "",
            }
            for c in spec.criteria
        ],
        keep=lambda c: c.retired_at is not None,
    )
    _sync(
        edition.rounds,
        Round,
        [{"code": r.code, "name": r.name, "cutoff": r.cutoff} for r in spec.rounds],
    )
    _sync(
        edition.prizes,
        PrizeLevel,
        [
            {
                "code": p.code,
                "name": p.name,
                "min_score": p.min_score,
                "quota": p.quota,
                "scope": p.scope,
                "amount_vnd": p.amount_vnd,
                "automatic": p.automatic,
            }
            for p in spec.prizes
        ],
    )


def _sync(
    collection: list,
    model: type,
    rows: list[dict],
    keep: Callable[[Any], bool] = lambda obj: False,
) -> None:
    """Update ``collection`` in place to hold ``rows`` in order (matched by code); objects for
    which ``keep`` is true stay untouched, after the others."""
    by_code = {obj.code: obj for obj in collection if not keep(obj)}
    kept = [obj for obj in collection if keep(obj)]
    wanted = []
    for position, row in enumerate(rows):
        obj = by_code.pop(row["code"], None) or model()
        for key, value in row.items():
            if getattr(obj, key, None) != value:
                setattr(obj, key, value)
        obj.position = position
        wanted.append(obj)
    for position, obj in enumerate(kept, start=len(wanted)):
        obj.position = position
    for obj in by_code.values():
        db.session.delete(obj)
    collection[:] = wanted + kept


# --- diffs ---------------------------------------------------------------------------------


def definition_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict]:
    """Field-by-field differences between two definition dicts, for the audit log:
    ``{"title": {"before": …, "after": …}, "criteria[novelty].max_points": {…},
    "prizes[gold]": {"before": None, "after": {…}}, "fields.order": {…}}``."""
    out: dict[str, dict] = {}
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if key in CHILD_MODELS and isinstance(old, list) and isinstance(new, list):
            out.update(_list_diff(key, old, new))
        elif old != new:
            out[key] = {"before": old, "after": new}
    return out


def _list_diff(key: str, old: list[dict], new: list[dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    old_by = {item["code"]: item for item in old}
    new_by = {item["code"]: item for item in new}
    for code in dict.fromkeys([*old_by, *new_by]):
        a, b = old_by.get(code), new_by.get(code)
        if a is None or b is None:
            out[f"{key}[{code}]"] = {"before": a, "after": b}
            continue
        for sub in dict.fromkeys([*a, *b]):
            if a.get(sub) != b.get(sub):
                out[f"{key}[{code}].{sub}"] = {"before": a.get(sub), "after": b.get(sub)}
    common_old = [c for c in old_by if c in new_by]
    common_new = [c for c in new_by if c in old_by]
    if common_old != common_new:
        out[f"{key}.order"] = {"before": common_old, "after": common_new}
    return out
