"""Edition operations: create (from a definition or a template), update, extend a deadline,
retire or delete a criterion, clone. Each takes the acting user, writes an audit entry, flushes
and never commits; problems are raised as :class:`~.validation.InvalidEdition`.

Rubric (criteria, tie-break, rounds, judges per entry, discrepancy threshold) and prize policy
(prizes, national maximum) are frozen once judging has started: a change then needs
``override=True``, which the audit entry records.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.operations import record
from ..extensions import db
from ..timeutil import LOCAL_TZ, utcnow
from . import gates, timeline
from .apply import apply_spec, definition_diff, deletion_blockers, removed_children
from .deadlines import (  # noqa: F401 - part of this module's interface
    SubmissionsClosed,
    area_ancestor_ids,
    deadline_for,
    edition_phase,
    ensure_submissions_open,
    extend_deadline,
)
from .definition import load_definition, spec_from_edition, spec_to_json, validate_definition
from .models import Edition
from .saving import flush_edition
from .spec import EditionSpec
from .templates import template_spec
from .tenancy import ALL_PROVINCES, default_province_id
from .validation import InvalidEdition, Problem, Severity, check_spec

if TYPE_CHECKING:
    from ..audit.actor import Actor

RUBRIC_KEYS = ("criteria", "tiebreak", "rounds", "judges_per_entry", "discrepancy_threshold")
PRIZE_POLICY_KEYS = ("prizes", "national_max")
DATE_KEYS = {"opens_at", "submission_deadline", "judging_starts_at", "judging_ends_at"}
LABEL_OF_CHILD = {
    "fields": _l("lĩnh vực"),
    "boards": _l("bảng"),
    "criteria": _l("tiêu chí"),
    "rounds": _l("vòng thi"),
    "prizes": _l("giải"),
}


def get_edition(slug: str) -> Edition | None:
    """The edition with ``slug``, if any."""
    return db.session.scalar(select(Edition).where(Edition.slug == slug))


def list_editions() -> list[Edition]:
    """Every edition, latest deadline first."""
    return list(
        db.session.scalars(
            select(Edition).order_by(Edition.submission_deadline.desc(), Edition.id.desc())
        )
    )


def _settle(
    problems: Iterable[Problem], confirm: bool = False, override: bool = False
) -> list[Problem]:
    """Raise unless ``problems`` allow saving: no error, overrides given, warnings confirmed."""
    problems = list(problems)
    blocking = [
        p
        for p in problems
        if p.severity == Severity.ERROR
        or (p.severity == Severity.OVERRIDE and not override)
        or (p.severity == Severity.WARNING and not confirm)
    ]
    if blocking:
        raise InvalidEdition(problems)
    return problems


def slug_taken(slug: str) -> bool:
    """True when any edition, of any province, has ``slug`` (slugs are instance-wide)."""
    stmt = select(Edition.id).where(Edition.slug == slug)
    return db.session.scalar(stmt.execution_options(**{ALL_PROVINCES: True})) is not None


def create_edition(
    spec: EditionSpec,
    actor: Actor | None,
    *,
    confirm: bool = False,
    source: str = "",
    province_id: int | None = None,
) -> Edition:
    """Create an edition from a validated or unvalidated ``spec`` (all or nothing). It belongs
    to ``province_id``, else to its creator's province, else to the instance's only province
    (:func:`contest.contests.tenancy.default_province_id`)."""
    problems = check_spec(spec)
    if spec.slug and slug_taken(spec.slug):
        problems.append(Problem("slug", _("đã có lần thi với mã '%(s)s'", s=spec.slug)))
    problems = _settle(problems, confirm=confirm)
    edition = Edition(
        created_by_id=getattr(actor, "id", None),
        province_id=province_id if province_id is not None else default_province_id(actor),
    )
    apply_spec(edition, spec)
    flush_edition(spec.slug, new=edition)
    record(
        actor,
        "edition.create",
        "edition",
        edition.id,
        slug=edition.slug,
        source=source,
        definition=spec_to_json(spec),
        confirmed_warnings=[str(p) for p in problems if p.severity == Severity.WARNING],
    )
    return edition


def create_from_definition(
    data: str | dict[str, Any],
    actor: Actor | None,
    *,
    confirm: bool = False,
    province_id: int | None = None,
) -> Edition:
    """Create an edition from a definition (JSON text or decoded dict); invalid → nothing.
    ``province_id``: see :func:`create_edition`."""
    if isinstance(data, str):
        spec, problems = load_definition(data)
    else:
        spec, problems = validate_definition(data)
    _settle(problems, confirm=confirm)
    assert spec is not None  # unreadable JSON is an error, refused above
    return create_edition(
        spec, actor, confirm=confirm, source="definition", province_id=province_id
    )


def create_from_template(
    kind: str,
    slug: str,
    title: str,
    deadline: datetime,
    actor: Actor | None = None,
    *,
    opens_at: datetime | None = None,
    province_id: int | None = None,
) -> Edition:
    """Create an edition from the built-in template of ``kind`` (RULES.md values).
    ``province_id``: see :func:`create_edition`."""
    spec = template_spec(kind, slug, title, deadline)
    spec.opens_at = opens_at
    return create_edition(spec, actor, source=f"template:{kind}", province_id=province_id)


def _top(path: str) -> str:
    """The top-level key of a problem path (``criteria`` for ``criteria[2].code``)."""
    return path.split(".")[0].split("[")[0]


def _changed_keys(before: dict, after: dict) -> set[str]:
    return {k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)}


def update_edition(
    edition: Edition,
    changes: dict[str, Any],
    actor: Actor | None,
    override: bool = False,
    confirm: bool = False,
    *,
    now: datetime | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> dict[str, dict]:
    """Apply ``changes`` (definition keys → new values, as in the JSON file; dates may also
    be ``date``/aware ``datetime`` objects) and return the audited diff (empty: no change).

    Raises :class:`InvalidEdition` on errors, unconfirmed warnings (among them a change of
    dates with consequences, :mod:`.gates`), a rubric or prize change after judging started
    without ``override``, a deletion a guard refuses, or a stale ``expected_version``."""
    now = now or utcnow()
    if expected_version is not None and expected_version != edition.version:
        raise InvalidEdition(
            [Problem("", _("lần thi vừa được người khác sửa; hãy tải lại rồi sửa lại"))]
        )
    before = spec_to_json(spec_from_edition(edition))
    merged = {**before, **changes}
    spec, problems = validate_definition(merged)
    phase = timeline.phase(edition, now)
    if spec.slug != edition.slug:
        problems.append(Problem("slug", _("không thể đổi mã của lần thi")))
    if spec.kind != edition.kind and phase != timeline.Phase.DRAFT:
        problems.append(Problem("contest", _("chỉ đổi được loại cuộc thi khi đang chuẩn bị")))
    problems += _retired_code_clashes(edition, spec)
    problems += _blocked_deletions(edition, spec)
    changed = _changed_keys(before, spec_to_json(spec))
    # A warning already accepted on a part left alone is not asked again.
    problems = [p for p in problems if p.severity != Severity.WARNING or _top(p.path) in changed]
    if phase.order >= timeline.Phase.JUDGING.order:
        for key in sorted(changed & {*RUBRIC_KEYS, *PRIZE_POLICY_KEYS}):
            problems.append(
                Problem(
                    key,
                    _(
                        "việc chấm đã bắt đầu: thay đổi tiêu chí, vòng thi hoặc cơ cấu giải "
                        "cần xác nhận ghi đè (được ghi vào nhật ký)"
                    ),
                    Severity.OVERRIDE,
                )
            )
    consequences: dict = {}
    if changed & DATE_KEYS and not any(p.severity == Severity.ERROR for p in problems):
        gate_problems, consequences = gates.date_change_gates(edition, spec, now)
        problems += gate_problems
    problems = _settle(problems, confirm=confirm, override=override)
    if not changed:
        return {}
    apply_spec(edition, spec)
    edition.updated_at = now
    flush_edition(edition.slug)
    diff = definition_diff(before, spec_to_json(spec_from_edition(edition)))
    overridden = [p.path for p in problems if p.severity == Severity.OVERRIDE]
    record(
        actor,
        "edition.update",
        "edition",
        edition.id,
        changes=diff,
        override=bool(overridden),
        overridden=overridden,
        phase=str(phase),
        confirmed_warnings=[str(p) for p in problems if p.severity == Severity.WARNING],
        reason=reason,
        **consequences,
    )
    return diff


def _retired_code_clashes(edition: Edition, spec: EditionSpec) -> list[Problem]:
    retired = {c.code for c in edition.criteria if c.retired_at is not None}
    return [
        Problem(
            f"criteria[{i}].code",
            _("mã '%(code)s' thuộc một tiêu chí đã ngừng dùng; hãy chọn mã khác", code=c.code),
        )
        for i, c in enumerate(spec.criteria)
        if c.code in retired
    ]


def _blocked_deletions(edition: Edition, spec: EditionSpec) -> list[Problem]:
    problems = []
    for kind, objs in removed_children(edition, spec).items():
        for obj in objs:
            for reason in deletion_blockers(kind, obj):
                problems.append(
                    Problem(
                        kind,
                        _(
                            "không thể xoá %(what)s '%(code)s': %(reason)s",
                            what=str(LABEL_OF_CHILD[kind]),
                            code=obj.code,
                            reason=reason,
                        ),
                    )
                )
    return problems


def delete_criterion(
    edition: Edition, code: str, actor: Actor | None, **options: Any
) -> dict[str, dict]:
    """Delete an active criterion (refused by the guards once it has scores: retire it)."""
    current = spec_to_json(spec_from_edition(edition))
    changes: dict[str, Any] = {"criteria": [c for c in current["criteria"] if c["code"] != code]}
    if "tiebreak" in current:
        changes["tiebreak"] = [c for c in current["tiebreak"] if c != code] or None
    return update_edition(edition, changes, actor, **options)


def retire_criterion(
    edition: Edition,
    code: str,
    actor: Actor | None,
    *,
    now: datetime | None = None,
    override: bool = False,
    confirm: bool = False,
) -> None:
    """Retire an active criterion: kept (its scores stay valid), absent from new sheets."""
    now = now or utcnow()
    criterion = next((c for c in edition.active_criteria if c.code == code), None)
    if criterion is None:
        raise InvalidEdition([Problem("criteria", _("không có tiêu chí mã '%(code)s'", code=code))])
    spec = spec_from_edition(edition)
    spec.criteria = [c for c in spec.criteria if c.code != code]
    if spec.tiebreak is not None:
        spec.tiebreak = [c for c in spec.tiebreak if c != code] or None
    problems = check_spec(spec)
    if timeline.judging_started(edition, now):
        problems.append(
            Problem("criteria", _("việc chấm đã bắt đầu: cần xác nhận ghi đè"), Severity.OVERRIDE)
        )
    problems = _settle(problems, confirm=confirm, override=override)
    criterion.retired_at = now
    edition.updated_at = now
    flush_edition(edition.slug)
    record(
        actor,
        "edition.retire_criterion",
        "edition",
        edition.id,
        criterion=code,
        override=any(p.severity == Severity.OVERRIDE for p in problems),
        confirmed_warnings=[str(p) for p in problems if p.severity == Severity.WARNING],
    )


# --- cloning -------------------------------------------------------------------------------


def _shift_years_date(value: date, years: int) -> date:
    year = value.year + years
    day = min(value.day, calendar.monthrange(year, value.month)[1])  # 29/2 → 28/2
    return value.replace(year=year, day=day)


def shift_moment(
    value: datetime | None, *, years: int = 0, delta: timedelta | None = None
) -> datetime | None:
    """``value`` moved by ``years`` calendar years (same local wall time) and ``delta``."""
    if value is None:
        return None
    if years:
        local = value.astimezone(LOCAL_TZ)
        local = datetime.combine(_shift_years_date(local.date(), years), local.timetz())
        value = local
    return value + delta if delta else value


def shift_date(
    value: date | None, *, years: int = 0, delta: timedelta | None = None
) -> date | None:
    """``value`` moved by ``years`` calendar years and by ``delta``'s whole days."""
    if value is None:
        return None
    if years:
        value = _shift_years_date(value, years)
    return value + timedelta(days=delta.days) if delta else value


def clone_edition(
    edition: Edition,
    new_slug: str,
    new_title: str,
    actor: Actor | None = None,
    *,
    years: int = 0,
    offset: timedelta | None = None,
) -> Edition:
    """Launch the next edition: a copy of ``edition``'s configuration (fields, boards,
    checklists, criteria, tie-break, rounds, prizes, eligibility) with every date shifted by
    ``years`` and/or ``offset``; the number goes up by one. Not copied: entries, scores,
    deadline extensions, the rules document (each edition uploads its own), publication. The
    new edition's predecessor is ``edition``."""
    spec = spec_from_edition(edition)

    def moment(value: datetime | None) -> datetime | None:
        return shift_moment(value, years=years, delta=offset)

    def day(value: date | None) -> date | None:
        return shift_date(value, years=years, delta=offset)

    spec = replace(
        spec,
        slug=new_slug,
        title=new_title,
        number=edition.number + 1 if edition.number else None,
        opens_at=moment(spec.opens_at),
        submission_deadline=moment(spec.submission_deadline),
        reference_date=day(spec.reference_date),
        applied_since=day(spec.applied_since),
        judging_starts_at=moment(spec.judging_starts_at),
        judging_ends_at=moment(spec.judging_ends_at),
    )
    clone = create_edition(
        spec, actor, confirm=True, source=f"clone:{edition.slug}", province_id=edition.province_id
    )
    clone.predecessor_id = edition.id
    db.session.flush()
    return clone


def set_predecessor(edition: Edition, predecessor_id: int | None, actor: Actor | None) -> bool:
    """Make ``predecessor_id`` (None: none) the edition ``edition`` continues — the one its
    statistics compare with; audited. Refused for itself or when it would make a loop.
    Returns True when it changed."""
    if predecessor_id == edition.predecessor_id:
        return False
    if predecessor_id is not None:
        chosen = db.session.get(Edition, predecessor_id)
        seen = {edition.id}
        walk = chosen
        while walk is not None:
            if walk.id in seen:
                raise InvalidEdition(
                    [
                        Problem(
                            "predecessor_id",
                            _("không thể chọn chính lần thi này hoặc lần thi sau nó"),
                        )
                    ]
                )
            seen.add(walk.id)
            walk = db.session.get(Edition, walk.predecessor_id) if walk.predecessor_id else None
        if chosen is None:
            raise InvalidEdition([Problem("predecessor_id", _("không có lần thi này"))])
    before = edition.predecessor_id
    edition.predecessor_id = predecessor_id
    edition.updated_at = utcnow()
    record(
        actor,
        "edition.predecessor",
        "edition",
        edition.id,
        changes={"predecessor_id": {"before": before, "after": predecessor_id}},
    )
    return True
