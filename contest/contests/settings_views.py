"""Organizer pages that edit an edition's settings: general, eligibility, fields (with the
dossier checklist), boards, criteria (and retiring one), rounds and judging, prizes.

Each page loads its form from the edition's current definition, and on save hands the form's
definition keys to :func:`.operations.update_edition` with the confirmation, the override, its
reason and the version the form was loaded with. A refused change is rolled back and its
problems are shown on the form (status 400); nothing is written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..timeutil import utcnow
from . import edition_province, operations
from . import pages_support as support
from .deadlines import set_reminder_days
from .definition import spec_from_edition, spec_to_json
from .forms import EligibilityForm, GeneralForm, RetireForm
from .list_forms import BoardsForm, CriteriaForm, FieldsForm, PrizesForm, RoundsForm
from .models import Edition
from .templates import default_attachments
from .timeline import judging_started
from .validation import InvalidEdition, Problem
from .views import bp

# page name → (form class, template, rubric or prize policy: frozen once judging started)
PAGES = {
    "general": (GeneralForm, "editions/general.html", False),
    "eligibility": (EligibilityForm, "editions/eligibility.html", False),
    "fields": (FieldsForm, "editions/fields.html", False),
    "boards": (BoardsForm, "editions/boards.html", False),
    "criteria": (CriteriaForm, "editions/criteria.html", True),
    "rounds": (RoundsForm, "editions/rounds.html", True),
    "prizes": (PrizesForm, "editions/prizes.html", True),
}


def _current_definition(edition: Edition) -> dict:
    """The edition's definition as it is stored now (the forms' starting point)."""
    return spec_to_json(spec_from_edition(edition))


def _initial_data(page: str, edition: Edition, definition: dict) -> dict:
    """The values a settings form starts with."""
    data: dict = {"version": edition.version}
    if page == "general":
        data.update({key: getattr(edition, key) for key in GeneralForm.KEYS})
        data["reminder_days_before"] = edition.reminder_days_before
        data["predecessor_id"] = str(edition.predecessor_id or "")
        data["province_id"] = str(edition.province_id or "")
    elif page == "eligibility":
        data.update(
            reference_date=edition.reference_date,
            age_min=edition.age_min,
            age_max=edition.age_max,
            max_authors=edition.max_authors,
            applied_since=edition.applied_since,
        )
    elif page == "fields":
        blank: dict[str, Any] = {
            "code": "",
            "name": "",
            "attachments": default_attachments(edition.kind, ""),
        }
        data["rows"] = FieldsForm.rows_data(definition, blank)
        data["organizer_only"] = definition["organizer_only_attachments"]
    elif page == "boards":
        data["rows"] = BoardsForm.rows_data(definition, {"code": "", "name": ""})
    elif page == "criteria":
        data["rows"] = CriteriaForm.rows_data(definition, {"code": "", "name": ""})
    elif page == "rounds":
        data.update(RoundsForm.data_of(definition))
    elif page == "prizes":
        scope = definition["prizes"][-1]["scope"] if definition["prizes"] else "field"
        blank = {"code": "", "name": "", "scope": scope, "automatic": True}
        data["rows"] = PrizesForm.rows_data(definition, blank)
        data["national_max"] = edition.national_max
    return data


def _predecessor_choices(edition: Edition) -> list[tuple[str, str]]:
    """The editions of the same contest the statistics may compare ``edition`` with."""
    others = db.session.scalars(
        select(Edition)
        .where(Edition.kind == edition.kind, Edition.id != edition.id)
        .order_by(Edition.submission_deadline.desc())
    )
    return [("", str(_("Không so sánh")))] + [(str(e.id), e.title) for e in others]


def _predecessor_choice(value) -> int | None:
    """The chosen edition id (None for "no comparison"); a bad value is refused."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidEdition([Problem("predecessor_id", _("lựa chọn không hợp lệ"))]) from None


def _settings_page(page: str, slug: str):
    """Show a settings page, or save it (see the module docstring)."""
    form_class, template, frozen_part = PAGES[page]
    edition = support.edition_or_404(slug)
    now = utcnow()
    definition = _current_definition(edition)
    data = _initial_data(page, edition, definition) if request.method == "GET" else None
    form = form_class(data=data)
    if page == "general":
        form.predecessor_id.choices = _predecessor_choices(edition)
        form.province_id.choices = edition_province.province_choices()
    status = 200
    if form.validate_on_submit():
        try:
            diff: dict[str, dict] | bool = operations.update_edition(
                edition,
                form.changes(definition),
                current_user,
                override=form.override.data,
                confirm=form.confirm.data,
                expected_version=form.expected_version(),
                reason=form.reason.data or "",
                now=now,
            )
            if page == "general":
                reminder = form.reminder_days_before.data
                diff = set_reminder_days(edition, reminder, current_user) or diff
                if "predecessor_id" in request.form:  # absent: left alone
                    chosen = _predecessor_choice(form.predecessor_id.data)
                    diff = operations.set_predecessor(edition, chosen, current_user) or diff
                if "province_id" in request.form:  # absent (bound organizers): left alone
                    chosen = edition_province.parse_choice(form.province_id.data)
                    diff = edition_province.set_province(edition, chosen, current_user) or diff
        except InvalidEdition as exc:
            db.session.rollback()
            form.show_problems(exc.problems)
        else:
            db.session.commit()
            if diff:
                flash(_("Đã lưu thay đổi."), "success")
            else:
                flash(_("Không có gì thay đổi."), "info")
            return redirect(url_for(f"editions.{page}", slug=slug))
    if form.is_submitted():
        status = 400
    return (
        render_template(
            template,
            edition=edition,
            form=form,
            page=page,
            frozen=frozen_part and judging_started(edition, now),
            existing=_existing_codes(page, definition),
            retired=[c for c in edition.criteria if c.retired_at is not None],
            attachment_labels=support.ATTACHMENT_LABELS,
            middle_rounds=definition["rounds"][1:-1] if len(definition["rounds"]) >= 3 else [],
            province_label=edition_province.province_label(edition),
            may_change_province=edition_province.may_change_province(current_user),
        ),
        status,
    )


def _existing_codes(page: str, definition: dict) -> set[str]:
    """Codes of the items already saved in the list a page edits (their code is fixed)."""
    items = definition.get(page)
    return {item["code"] for item in items} if isinstance(items, list) else set()


def _view(page: str):
    """A view function for the settings page ``page``."""

    def view(slug: str):
        return _settings_page(page, slug)

    view.__name__ = page
    view.__doc__ = f"The '{page}' settings page of an edition."
    return view


for _page in PAGES:
    bp.add_url_rule(f"/<slug>/{_page}", _page, _view(_page), methods=["GET", "POST"])


@bp.route("/<slug>/criteria/<code>/retire", methods=["GET", "POST"])
def retire(slug: str, code: str):
    """Retire a criterion: it stays for the scores already given, and leaves new sheets."""
    edition = support.edition_or_404(slug)
    criterion = next((c for c in edition.active_criteria if c.code == code), None)
    if criterion is None:
        abort(404)
    now = utcnow()
    form = RetireForm()
    status = 200
    if form.validate_on_submit():
        try:
            support.retire_criterion(
                edition,
                code,
                current_user,
                override=form.override.data,
                confirm=form.confirm.data,
                reason=form.reason.data or "",
                now=now,
            )
        except InvalidEdition as exc:
            db.session.rollback()
            form.show_problems(exc.problems)
        else:
            db.session.commit()
            flash(_("Đã ngừng dùng tiêu chí “%(name)s”.", name=criterion.name), "success")
            return redirect(url_for("editions.criteria", slug=slug))
    if form.is_submitted():
        status = 400
    return (
        render_template(
            "editions/retire.html",
            edition=edition,
            criterion=criterion,
            form=form,
            frozen=judging_started(edition, now),
            remaining_total=sum(
                (c.max_points for c in edition.active_criteria if c.code != code), Decimal(0)
            ),
        ),
        status,
    )
