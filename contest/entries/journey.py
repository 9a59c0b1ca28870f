"""The entrant journey's page logic that is not a view: the steps and how far each one is,
the context every step page shares, saving a step (with the domain's refusals shown on the
form), and the authors step's rows. The rules themselves stay in :mod:`.operations`,
:mod:`.completeness` and :mod:`.access`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..contests.deadlines import SubmissionsClosed, deadline_for
from ..errors import message_of
from ..extensions import db
from ..jobs.operations import commit
from ..timeutil import LOCAL_TZ, utcnow
from . import access, completeness, operations
from .forms import AuthorRow, AuthorsForm
from .models import GENDER_LABELS, EntryStatus
from .states import ENTRANT_WITHDRAWABLE, EntryError, InvalidEntry, StaleEntry

STEPS = ("edit", "authors", "details", "files", "review")
STEP_LABELS = {
    "edit": _l("Thông tin chung"),
    "authors": _l("Tác giả"),
    "details": _l("Giáo viên hướng dẫn"),
    "details_technical": _l("Áp dụng thực tế"),
    "files": _l("Tệp đính kèm"),
    "review": _l("Kiểm tra và nộp"),
}
# Which step fixes which missing data key / eligibility problem.
DATA_STEP = {
    "title": "edit",
    "field_id": "edit",
    "board_id": "edit",
    "area_id": "edit",
    "unit_name": "edit",
    "authors": "authors",
    "applied_where": "details",
    "applied_at": "details",
}
INELIGIBLE_STEP = {
    "no_author": "authors",
    "too_many_authors": "authors",
    "birth_date_missing": "authors",
    "age": "authors",
    "applied_missing": "details",
    "applied_too_early": "details",
    "applied_in_future": "details",
}
REFUSED = (EntryError, access.NotAllowed, SubmissionsClosed)


def today_local():
    """Today's date in Vietnam."""
    return utcnow().astimezone(LOCAL_TZ).date()


def step_after(step: str) -> str:
    """The step following ``step`` (the review is last)."""
    index = STEPS.index(step)
    return STEPS[min(index + 1, len(STEPS) - 1)]


def step_label(step: str, edition) -> str:
    """The name of a step (step 3 depends on the contest)."""
    if step == "details" and edition.kind == "technical":
        return str(STEP_LABELS["details_technical"])
    return str(STEP_LABELS[step])


@dataclass
class Step:
    """A step of the journey as the step bar shows it."""

    key: str
    number: int
    label: str
    state: str  # "done", "todo" or "optional"
    current: bool


@dataclass
class Problem:
    """Something that keeps the entry from being submitted, and the step that fixes it."""

    message: str
    step: str


def problems_of(report: completeness.Completeness) -> list[Problem]:
    """The report's problems in Vietnamese, each with the step that fixes it."""
    out = [Problem(message, DATA_STEP.get(key, "edit")) for key, message in report.missing_data]
    out += [
        Problem(_("Thiếu tệp đính kèm: %(kind)s.", kind=completeness.attachment_label(k)), "files")
        for k in report.missing_attachments
    ]
    out += [Problem(p.message, INELIGIBLE_STEP.get(p.code, "authors")) for p in report.ineligible]
    return sorted(out, key=lambda p: STEPS.index(p.step))  # in the order of the steps


def steps_of(entry, current: str, problems: list[Problem]) -> list[Step]:
    """The step bar: each step done or still to do (the mentor step is optional)."""
    todo = {p.step for p in problems}
    if not entry.authors:
        todo.add("authors")
    steps = []
    for number, key in enumerate(STEPS, start=1):
        if key == "review":
            state = "done" if entry.status != EntryStatus.DRAFT else "todo"
        elif key == "details" and entry.edition.kind != "technical":
            state = "optional" if not entry.mentor_name else "done"
        else:
            state = "todo" if key in todo else "done"
        steps.append(Step(key, number, step_label(key, entry.edition), state, key == current))
    return steps


def back_url(entry) -> str:
    """Where "back" leads from an entry's page, by who is looking."""
    if entry.owner_id == current_user.id:
        return url_for("entries.index")
    if access.is_organizer(current_user):
        return url_for("intake.detail", entry_id=entry.id)
    if access.in_coordinator_area(current_user, entry):
        return url_for("district.detail", entry_id=entry.id)
    return url_for("main.home")


def entry_context(entry, step: str) -> dict:
    """What every page of an entry shows: the entry, its completeness, the step bar,
    whether the current user may change it (and if not, why), and the deadline."""
    now = utcnow()
    report = completeness.check(entry, today_local())
    problems = problems_of(report)
    refusal = access.edit_refusal(current_user, entry, now)
    status = entry.status
    if problems:
        next_step = problems[0].step
    elif status in (EntryStatus.DRAFT, EntryStatus.WITHDRAWN):
        next_step = "review"
    else:
        next_step = "edit"
    return {
        "entry": entry,
        "edition": entry.edition,
        "step": step,
        "steps": steps_of(entry, step, problems),
        "step_label": lambda key: step_label(key, entry.edition),
        "report": report,
        "problems": problems,
        "next_step": next_step,
        "can_edit": refusal is None,
        "refusal": refusal,
        "deadline": deadline_for(entry.edition, entry.area),
        "back_url": back_url(entry),
        "is_owner": entry.owner_id == current_user.id,
        "withdrawable": refusal is None and status in ENTRANT_WITHDRAWABLE,
        "deletable": refusal is None and status == EntryStatus.DRAFT and not entry.code,
        "submittable": refusal is None and status in (EntryStatus.DRAFT, EntryStatus.WITHDRAWN),
        "gender_labels": GENDER_LABELS,
    }


# --- Saving a step ---------------------------------------------------------------------------


def show_problems(form, exc: InvalidEntry) -> None:
    """Put the domain's problems on the form's fields (others on top of the form)."""
    general = getattr(form, "general_errors", None)
    if general is None:
        general = form.general_errors = []
    for key, message in exc.problems:
        field = form._fields.get(key)
        if field is not None and key != "version":
            field.errors = [*field.errors, str(message)]
        else:
            general.append(str(message))


def run_step(form, entry, step: str, action: Callable, on_invalid: Callable | None = None):
    """Run ``action`` and commit. Returns the redirect after a save (or after a stale
    page: to the fresh page), None after a refusal (the page is shown again, with the
    problems on the form or in a message)."""
    try:
        action()
        commit()
    except StaleEntry as exc:
        db.session.rollback()
        flash(message_of(exc), "warning")
        return redirect(url_for(f"entries.{step}", entry_id=entry.id))
    except InvalidEntry as exc:
        db.session.rollback()
        (on_invalid or (lambda e: show_problems(form, e)))(exc)
        return None
    except REFUSED as exc:
        db.session.rollback()
        flash(message_of(exc), "danger")
        return None
    go = request.form.get("go")
    if go == "next":
        return redirect(url_for(f"entries.{step_after(step)}", entry_id=entry.id))
    flash(_("Đã lưu."), "success")
    if go == "add":
        return redirect(url_for(f"entries.{step}", entry_id=entry.id, add=1) + "#author-new")
    return redirect(url_for(f"entries.{step}", entry_id=entry.id))


# --- The authors step ------------------------------------------------------------------------


def row_index(sub) -> str:
    """The index a row of the authors list was posted with (``authors-3`` → ``3``)."""
    return sub.name.rsplit("-", 1)[-1]


def _author_data(row: AuthorRow, representative: bool) -> operations.AuthorData:
    """One row of the form as the domain takes it."""
    return operations.AuthorData(
        full_name=row.full_name.data or "",
        date_of_birth=row.date_of_birth.data,
        gender=row.gender.data or "",
        ethnicity=row.ethnicity.data or "",
        organisation=row.organisation.data or "",
        class_or_position=row.class_or_position.data or "",
        phone=row.phone.data or "",
        email=row.email.data or "",
        is_representative=representative,
    )


def blank_rows(entry, wanted_extra: int) -> int:
    """How many empty rows the page offers: two for a new list, else one, plus those asked
    for ("add another"), never past the edition's maximum."""
    have = len(entry.authors)
    blanks = (2 if have == 0 else 1) + max(0, min(wanted_extra, 20))
    return max(0, min(blanks, entry.edition.max_authors - have))


def save_authors(entry):
    """The authors form, and the redirect when a POST saved it (else None)."""
    if request.method != "POST":
        form = AuthorsForm(formdata=None, data={"version": entry.version})
        for author in entry.authors:
            form.authors.append_entry(author)
        rep = entry.representative
        form.representative.data = str(entry.authors.index(rep)) if rep else "0"
        for _i in range(blank_rows(entry, request.args.get("add", 0, type=int))):
            form.authors.append_entry()
        form.general_errors = []
        return form, None
    form = AuthorsForm()
    form.general_errors = []
    form.validate()
    rows = [s for s in form.authors if not s.form.remove.data and not s.form.is_blank()]
    if any(s.errors for s in rows):
        return form, None
    rep = form.representative.data
    data = [_author_data(s.form, row_index(s) == rep) for s in rows]

    def action():
        """Replace the authors."""
        operations.set_authors(entry, current_user, data, expected_version=form.expected_version())

    def on_invalid(exc: InvalidEntry) -> None:
        """Show the domain's problems on the rows they concern."""
        for key, message in exc.problems:
            target = _author_field(rows, key)
            if target is None:
                form.general_errors.append(str(message))
            else:
                target.errors = [*target.errors, str(message)]

    return form, run_step(form, entry, "authors", action, on_invalid)


def _author_field(rows, key: str):
    """The field of ``authors[i].name`` among the kept rows (None for other keys)."""
    if not key.startswith("authors[") or "]." not in key:
        return None
    index, name = key[len("authors[") :].split("].", 1)
    try:
        row = rows[int(index)]
    except (ValueError, IndexError):
        return None
    return row.form._fields.get(name)


def author_rows_context(entry, form) -> dict:
    """The rows' indexes, the template row the script clones, the next free index."""
    indexes = [int(row_index(s)) for s in form.authors]
    return {
        "row_index": row_index,
        "template_row": AuthorRow(prefix="authors-__i__-"),
        "next_index": max(indexes, default=-1) + 1,
        "max_authors": entry.edition.max_authors,
    }
