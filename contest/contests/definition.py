"""Edition definitions as JSON files (FORMATS.md, "Edition definition (JSON)").

Reading is strict: required keys must be present, types and allowed values are checked, any
unknown or repeated key is an error, and every problem is collected with its key path (list
indexes count from 0), e.g. ``prizes[2].quota: phải là số nguyên ≥ 0``. The rules of
:mod:`.validation` run on the same pass, so one answer lists everything to fix.

Keys of FORMATS.md — required, except that a key whose value may be null may also be left out
(= null): ``age``, ``applied_since``, ``boards`` (= ``[]``), ``tiebreak`` (criteria order),
``national_max``, a prize's ``min_score``/``quota``/``amount_vnd`` and a round's ``cutoff``; in a
prize, ``automatic`` defaults to true. Values: ``contest`` ``youth`` | ``technical``; dates
``YYYY-MM-DD``; moments ISO 8601 *with* an offset (``2025-07-31T17:00:00+07:00``); ``age``
``{"min": …, "max": …}`` or null; ``min_score``, ``quota``, ``amount_vnd``, ``cutoff``,
``applied_since`` and ``national_max`` may be null (``quota`` null: no limit;
``national_max`` null: not set).

Optional keys this service adds (all round-trip through export):

* top level: ``number`` (lần thứ N, integer ≥ 1 or null), ``description`` and
  ``organizing_units`` (text, default ""), ``opens_at`` (when submissions open; null or absent:
  the edition is a draft), ``judging_starts_at`` and ``judging_ends_at`` (moments or null);
* in a field: ``attachments``, the dossier checklist — the attachment kinds required for an
  entry of that field, from ``description``, ``full_text``, ``photos``, ``video``,
  ``source_code``, ``installer``, ``instructions``, ``unit_confirmation``,
  ``registration_form``, ``identity_document`` (absent: the template's checklist for the
  contest, see :mod:`.templates`);
* top level: ``organizer_only_attachments``, the attachment kinds judges never receive (only
  organizers, the owner and the area's coordinators see them), from the same kinds (absent:
  ``["unit_confirmation", "registration_form", "identity_document"]``, which name the unit or
  the authors by design);
* in a round: ``name`` (e.g. "Vòng sơ khảo", default "");
* in a criterion: ``guidance``, the text shown to judges under the criterion on the sheet
  (default ""; exported only when not empty).

Export writes every key in a fixed order (``tiebreak`` only when the edition has one), moments
in Vietnam time with ``+07:00``, numbers as integers when integral, UTF-8 unescaped, one line per
list item, with a final newline — so export → create → export gives the same bytes. Retired
criteria are not exported (they only matter for scores already given).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from ..timeutil import LOCAL_TZ
from .json_values import (
    INVALID,
    JsonReader,
    Reader,
    boolean_reader,
    choice_reader,
    date_reader,
    integer_reader,
    moment_reader,
    no_constant,
    nullable,
    number_reader,
    object_pairs,
    text_reader,
)
from .models import ATTACHMENT_KINDS, ContestKind, Edition, default_organizer_only
from .spec import BoardSpec, CriterionSpec, EditionSpec, FieldSpec, PrizeSpec, RoundSpec
from .templates import default_attachments
from .validation import Problem, check_spec


def parse_definition(data: Any) -> tuple[EditionSpec, list[Problem], set[str]]:
    """Read a decoded JSON definition into a spec (invalid values left as None); return it
    with the type problems found and the set of paths that were invalid."""
    r = JsonReader()
    text, opt_text = text_reader(r), nullable(text_reader(r))
    moment, date_ = nullable(moment_reader(r)), date_reader(r)
    number, opt_number = number_reader(r), nullable(number_reader(r))

    def age(value: Any, path: str) -> tuple[Any, Any] | None:
        if value is None:
            return None
        got = r.obj(
            value, path, {"min": (True, integer_reader(r, 0)), "max": (True, integer_reader(r, 0))}
        )
        return (got.get("min"), got.get("max"))

    def child(keys: dict[str, tuple[bool, Reader]]) -> Reader:
        return lambda value, path: r.obj(value, path, keys)

    def items_of(keys: dict[str, tuple[bool, Reader]]) -> Reader:
        return lambda value, path: r.items(value, path, child(keys))

    code_name = {"code": (True, text), "name": (True, text)}
    attachments = choice_reader(r, ATTACHMENT_KINDS)
    field_keys = {
        **code_name,
        "attachments": (False, lambda value, path: r.items(value, path, attachments)),
    }
    criterion_keys = {**code_name, "max_points": (True, number), "guidance": (False, text)}
    round_keys = {"code": (True, text), "cutoff": (False, opt_number), "name": (False, opt_text)}
    prize_keys = {
        **code_name,
        "min_score": (False, opt_number),
        "quota": (False, nullable(integer_reader(r, 0))),
        "scope": (True, choice_reader(r, ("field", "edition"))),
        "amount_vnd": (False, nullable(integer_reader(r, 0))),
        "automatic": (False, boolean_reader(r)),
    }
    top = r.obj(
        data,
        "",
        {
            "slug": (True, text),
            "title": (True, text),
            "number": (False, nullable(integer_reader(r, 1))),
            "contest": (True, choice_reader(r, tuple(k.value for k in ContestKind))),
            "description": (False, text),
            "organizing_units": (False, text),
            "opens_at": (False, moment),
            "submission_deadline": (True, moment_reader(r)),
            "reference_date": (True, date_),
            "age": (False, age),
            "max_authors": (True, integer_reader(r, 1)),
            "applied_since": (False, nullable(date_)),
            "judges_per_entry": (True, integer_reader(r, 1)),
            "discrepancy_threshold": (True, number),
            "judging_starts_at": (False, moment),
            "judging_ends_at": (False, moment),
            "fields": (True, items_of(field_keys)),
            "organizer_only_attachments": (
                False,
                lambda value, path: r.items(value, path, attachments),
            ),
            "boards": (False, nullable(items_of(code_name))),
            "criteria": (True, items_of(criterion_keys)),
            "tiebreak": (False, nullable(lambda value, path: r.items(value, path, text))),
            "rounds": (True, items_of(round_keys)),
            "prizes": (True, items_of(prize_keys)),
            "national_max": (False, nullable(integer_reader(r, 0))),
        },
    )
    return _spec_from_values(top), r.problems, r.invalid


def _listed(values: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = values.get(key) or []
    return [item if isinstance(item, dict) else {} for item in items]


def _get(values: dict[str, Any], key: str, default: Any = None) -> Any:
    """A value read from a definition: of the type its reader checks, or ``default`` where it
    is absent, or None where it was invalid (such a spec goes back with its problems and is
    never saved)."""
    return values.get(key, default)


def _spec_from_values(v: dict[str, Any]) -> EditionSpec:
    kind = _get(v, "contest")
    age_min, age_max = _get(v, "age") or (None, None)
    fields = []
    for item in _listed(v, "fields"):
        attachments = _get(item, "attachments")
        if attachments is None:
            attachments = default_attachments(kind, _get(item, "code")) if kind else []
        attachments = [a for a in attachments if a is not INVALID]
        fields.append(FieldSpec(_get(item, "code"), _get(item, "name"), attachments))
    tiebreak = _get(v, "tiebreak")
    hidden = _get(v, "organizer_only_attachments")
    hidden = default_organizer_only() if hidden is None else hidden
    return EditionSpec(
        slug=_get(v, "slug"),
        title=_get(v, "title"),
        kind=kind,
        submission_deadline=_get(v, "submission_deadline"),
        reference_date=_get(v, "reference_date"),
        age_min=age_min,
        age_max=age_max,
        max_authors=_get(v, "max_authors"),
        applied_since=_get(v, "applied_since"),
        judges_per_entry=_get(v, "judges_per_entry"),
        discrepancy_threshold=_get(v, "discrepancy_threshold"),
        national_max=_get(v, "national_max"),
        number=_get(v, "number"),
        description=_get(v, "description", ""),
        organizing_units=_get(v, "organizing_units", ""),
        opens_at=_get(v, "opens_at"),
        judging_starts_at=_get(v, "judging_starts_at"),
        judging_ends_at=_get(v, "judging_ends_at"),
        fields=fields,
        organizer_only_attachments=[k for k in ATTACHMENT_KINDS if k in hidden],
        boards=[BoardSpec(_get(i, "code"), _get(i, "name")) for i in _listed(v, "boards")],
        criteria=[
            CriterionSpec(
                _get(i, "code"), _get(i, "name"), _get(i, "max_points"), _get(i, "guidance") or ""
            )
            for i in _listed(v, "criteria")
        ],
        tiebreak=None if tiebreak is None else [c for c in tiebreak if c is not INVALID],
        rounds=[
            RoundSpec(_get(i, "code"), _get(i, "cutoff"), _get(i, "name") or "")
            for i in _listed(v, "rounds")
        ],
        prizes=[
            PrizeSpec(
                _get(i, "code"),
                _get(i, "name"),
                _get(i, "min_score"),
                _get(i, "quota"),
                _get(i, "scope", "field"),
                _get(i, "amount_vnd"),
                _get(i, "automatic", True),
            )
            for i in _listed(v, "prizes")
        ],
    )


def _under(path: str, invalid: set[str]) -> bool:
    return any(path == q or path.startswith((q + ".", q + "[")) for q in invalid if q)


def validate_definition(data: Any) -> tuple[EditionSpec, list[Problem]]:
    """Parse and validate a decoded definition: the spec and every problem (errors and
    warnings; a rule is not reported again where the value was already rejected)."""
    spec, problems, invalid = parse_definition(data)
    if "" in invalid:  # not even an object: the rules have nothing to check
        return spec, problems
    if any(q == "criteria" or q.startswith("criteria[") for q in invalid):
        invalid = invalid | {"tiebreak"}  # unknown criteria: the tie-break cannot be checked
    problems += [p for p in check_spec(spec) if not _under(p.path, invalid)]
    return spec, problems


def load_definition(text: str) -> tuple[EditionSpec | None, list[Problem]]:
    """Decode JSON text and validate it; a syntax error is one problem (with line, column)."""
    try:
        data = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=no_constant,
            object_pairs_hook=object_pairs,
        )
    except json.JSONDecodeError as exc:
        return None, [
            Problem(
                "",
                _(
                    "tệp không phải JSON hợp lệ: dòng %(line)d, cột %(col)d: %(msg)s",
                    line=exc.lineno,
                    col=exc.colno,
                    msg=exc.msg,
                ),
            )
        ]
    except ValueError as exc:
        return None, [Problem("", _("giá trị không hợp lệ trong JSON: %(v)s", v=str(exc)))]
    return validate_definition(data)


# --- export ---------------------------------------------------------------------------------


def _json_number(value: Decimal | int | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _json_moment(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(LOCAL_TZ).isoformat()


def _json_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _criterion_json(criterion: CriterionSpec) -> dict[str, Any]:
    """A criterion of the definition (``guidance`` only when there is some)."""
    out = {
        "code": criterion.code,
        "name": criterion.name,
        "max_points": _json_number(criterion.max_points),
    }
    if criterion.guidance:
        out["guidance"] = criterion.guidance
    return out


def spec_to_json(spec: EditionSpec) -> dict[str, Any]:
    """The definition of ``spec`` as a JSON-ready dict, keys in the export order."""
    out: dict[str, Any] = {
        "slug": spec.slug,
        "title": spec.title,
        "number": spec.number,
        "contest": spec.kind,
        "description": spec.description,
        "organizing_units": spec.organizing_units,
        "opens_at": _json_moment(spec.opens_at),
        "submission_deadline": _json_moment(spec.submission_deadline),
        "reference_date": _json_date(spec.reference_date),
        "age": None if spec.age_min is None else {"min": spec.age_min, "max": spec.age_max},
        "max_authors": spec.max_authors,
        "applied_since": _json_date(spec.applied_since),
        "judges_per_entry": spec.judges_per_entry,
        "discrepancy_threshold": _json_number(spec.discrepancy_threshold),
        "judging_starts_at": _json_moment(spec.judging_starts_at),
        "judging_ends_at": _json_moment(spec.judging_ends_at),
        "fields": [
            {"code": f.code, "name": f.name, "attachments": list(f.attachments)}
            for f in spec.fields
        ],
        "organizer_only_attachments": list(spec.organizer_only_attachments),
        "boards": [{"code": b.code, "name": b.name} for b in spec.boards],
        "criteria": [_criterion_json(c) for c in spec.criteria],
    }
    if spec.tiebreak is not None:
        out["tiebreak"] = list(spec.tiebreak)
    out["rounds"] = [
        {"code": r.code, "name": r.name, "cutoff": _json_number(r.cutoff)} for r in spec.rounds
    ]
    out["prizes"] = [
        {
            "code": p.code,
            "name": p.name,
            "min_score": _json_number(p.min_score),
            "quota": p.quota,
            "scope": p.scope,
            "amount_vnd": p.amount_vnd,
            "automatic": p.automatic,
        }
        for p in spec.prizes
    ]
    out["national_max"] = spec.national_max
    return out


def spec_from_edition(edition: Edition) -> EditionSpec:
    """The configuration of a stored edition (active criteria only)."""
    active = edition.active_criteria
    ranked = sorted(
        (c for c in active if c.tiebreak_position is not None),
        key=lambda c: c.tiebreak_position or 0,  # never None here
    )
    return EditionSpec(
        slug=edition.slug,
        title=edition.title,
        kind=edition.kind,
        submission_deadline=edition.submission_deadline,
        reference_date=edition.reference_date,
        age_min=edition.age_min,
        age_max=edition.age_max,
        max_authors=edition.max_authors,
        applied_since=edition.applied_since,
        judges_per_entry=edition.judges_per_entry,
        discrepancy_threshold=edition.discrepancy_threshold,
        national_max=edition.national_max,
        number=edition.number,
        description=edition.description or "",
        organizing_units=edition.organizing_units or "",
        opens_at=edition.opens_at,
        judging_starts_at=edition.judging_starts_at,
        judging_ends_at=edition.judging_ends_at,
        fields=[FieldSpec(f.code, f.name, list(f.required_attachments)) for f in edition.fields],
        organizer_only_attachments=[
            k for k in ATTACHMENT_KINDS if k in (edition.organizer_only_attachments or ())
        ],
        boards=[BoardSpec(b.code, b.name) for b in edition.boards],
        criteria=[CriterionSpec(c.code, c.name, c.max_points, c.guidance or "") for c in active],
        tiebreak=[c.code for c in ranked] if ranked else None,
        rounds=[RoundSpec(r.code, r.cutoff, r.name or "") for r in edition.rounds],
        prizes=[
            PrizeSpec(p.code, p.name, p.min_score, p.quota, p.scope, p.amount_vnd, p.automatic)
            for p in edition.prizes
        ],
    )


def _inline(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def dumps(definition: dict[str, Any]) -> str:
    """JSON text of a definition dict in the stable export layout: one top-level key per line,
    one line per field, board, criterion, round and prize (as in FORMATS.md), final newline."""
    lines = []
    for key, value in definition.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            inner = ",\n".join("    " + _inline(item) for item in value)
            lines.append(f"  {_inline(key)}: [\n{inner}\n  ]")
        else:
            lines.append(f"  {_inline(key)}: {_inline(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def export_edition(edition: Edition) -> str:
    """The edition's definition as JSON text (round-trips with ``edition create --file``)."""
    return dumps(spec_to_json(spec_from_edition(edition)))
