"""The organizer's judging pages: panels, conflicts, assignment, progress and discrepancies, an
entry's sheets with the panel score and reopening, the scores import upload, the XLSX export and the
blank paper sheets. This module has the index, panels and assignment; :mod:`.views_organizer_review`
adds the other routes to the same blueprint.

Every view is for organizers (checked before each request). The round is the ``round`` query
or form value (a round code), else :func:`.panels.current_round`. Views are thin: they call
the judging operations, commit once, and flash the domain's Vietnamese messages.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..accounts import invitations
from ..accounts.emails import send_invitation
from ..accounts.models import Role, User, UserRole
from ..accounts.operations import AccountError, find_user
from ..areas.provinces import judge_pool_clause
from ..contests.operations import get_edition, list_editions
from ..entries.access import NotAllowed
from ..entries.models import Entry
from ..errors import unit_of_work
from ..extensions import db
from ..pagination import page_number
from ..permissions import organizers_only
from . import assigning, organizer_lists
from .conflicts import ConflictRefused
from .errors import JudgingError
from .models import Panel
from .organizer_forms import (
    AddJudgesForm,
    AssignForm,
    BulkAssignForm,
    InviteJudgeForm,
    PanelJudgeForm,
)
from .panels import (
    add_judges,
    ensure_panel,
    find_round,
    panels_of_round,
    set_chair,
)

bp = Blueprint("judging", __name__, url_prefix="/organizer/judging")

REFUSALS = (JudgingError, ConflictRefused, AccountError, NotAllowed)


bp.before_request(organizers_only)


# --- Helpers ----------------------------------------------------------------------------------


def _actor():
    """The organizer acting."""
    return current_user._get_current_object()


def _edition_round(slug: str):
    """The edition ``slug`` and the round asked for (404 when either is unknown)."""
    edition = get_edition(slug)
    if edition is None:
        abort(404)
    try:
        round_ = find_round(edition, request.values.get("round") or None)
    except JudgingError:
        abort(404)
    return edition, round_


def _int(value) -> int | None:
    """``value`` as an int, or None."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _form_errors(form) -> None:
    """Flash a form's (Vietnamese) errors."""
    for errors in form.errors.values():
        for error in errors:
            flash(error, "danger")


def _back(endpoint: str, edition, round_, **values):
    """Redirect to ``endpoint`` of the edition and round."""
    return redirect(url_for(endpoint, slug=edition.slug, round=round_.code, **values))


def _page(template: str, edition, round_, tab: str, status: int = 200, **context):
    """Render a judging page with the shared context (tabs, round selector)."""
    return (
        render_template(template, edition=edition, round_=round_, tab=tab, **context),
        status,
    )


def _panel(edition, round_, panel_id) -> Panel:
    """The panel ``panel_id`` of the edition's round (404 otherwise)."""
    panel = db.session.get(Panel, _int(panel_id) or 0)
    if panel is None or panel.edition_id != edition.id or panel.round_id != round_.id:
        abort(404)
    return panel


def _field(edition, field_id):
    """The field ``field_id`` of the edition (404 otherwise)."""
    found = next((f for f in edition.fields if f.id == _int(field_id)), None)
    if found is None:
        abort(404)
    return found


def _entry(edition, entry_id) -> Entry:
    """The entry ``entry_id`` of the edition (404 otherwise)."""
    entry = db.session.get(Entry, _int(entry_id) or 0)
    if entry is None or entry.edition_id != edition.id:
        abort(404)
    return entry


def _user(user_id) -> User:
    """The user ``user_id`` (404 otherwise)."""
    user = db.session.get(User, _int(user_id) or 0)
    if user is None:
        abort(404)
    return user


# --- Index and panels -------------------------------------------------------------------------


@bp.get("/")
def index():
    """The editions, each linking to its judging pages."""
    return render_template("judging/org_index.html", editions=list_editions())


@bp.get("/<slug>/")
def panels(slug: str):
    """Panels of the round per field: judges, chair, add, invite, remove."""
    edition, round_ = _edition_round(slug)
    by_field = {
        p.field_id: p
        for p in db.session.scalars(
            select(Panel).where(Panel.edition_id == edition.id, Panel.round_id == round_.id)
        )
    }
    judges = db.session.scalars(
        select(User)
        .join(UserRole)
        .where(UserRole.role == Role.JUDGE.value, judge_pool_clause(edition.province_id))
        .order_by(User.email)
    ).all()
    return _page(
        "judging/org_panels.html",
        edition,
        round_,
        "panels",
        panels=by_field,
        judges=judges,
        add_form=AddJudgesForm(),
        invite_form=InviteJudgeForm(),
        judge_form=PanelJudgeForm(),
    )


@bp.post("/<slug>/panels/add")
def add_panel_judges(slug: str):
    """Put existing judge accounts (by e-mail) on a field's panel."""
    edition, round_ = _edition_round(slug)
    form = AddJudgesForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return _back("judging.panels", edition, round_)
    field = _field(edition, form.field_id.data)
    emails = [e for e in form.emails.data.replace(",", "\n").split() if e.strip()]
    people, missing = [], []
    for email in emails:
        user = find_user(email)
        (people.append(user) if user is not None else missing.append(email))
    if missing:
        flash(_("Không có tài khoản: %(emails)s.", emails=", ".join(missing)), "danger")
        return _back("judging.panels", edition, round_)
    with unit_of_work(*REFUSALS) as work:
        panel = ensure_panel(edition, field, round_, _actor())
        added = add_judges(panel, people, _actor())
    if work.refused:
        return _back("judging.panels", edition, round_)
    flash(_("Đã thêm %(n)d giám khảo vào tiểu ban %(f)s.", n=len(added), f=field.code), "success")
    return _back("judging.panels", edition, round_)


@bp.post("/<slug>/panels/invite")
def invite_judge(slug: str):
    """Invite a new judge by e-mail (accounts invitations) and put them on the panel."""
    edition, round_ = _edition_round(slug)
    form = InviteJudgeForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return _back("judging.panels", edition, round_)
    field = _field(edition, form.field_id.data)
    with unit_of_work(*REFUSALS) as work:
        invitation = invitations.invite(
            _actor(),
            form.email.data,
            form.full_name.data,
            Role.JUDGE.value,
            province=edition.province,  # the panel's judges belong to the edition's province
        )
        if invitation.token or invitation.role_added:
            send_invitation(_actor(), invitation, None)
        panel = ensure_panel(edition, field, round_, _actor())
        add_judges(panel, [invitation.user], _actor())
    if work.refused:
        return _back("judging.panels", edition, round_)
    flash(_("Đã mời %(email)s vào tiểu ban %(f)s.", email=invitation.user.email, f=field.code),
          "success")  # fmt: skip
    return _back("judging.panels", edition, round_)


@bp.post("/<slug>/panels/chair")
def set_panel_chair(slug: str):
    """Name a member chair of the panel."""
    edition, round_ = _edition_round(slug)
    form = PanelJudgeForm()
    form.validate_on_submit()
    panel = _panel(edition, round_, form.panel_id.data)
    with unit_of_work(*REFUSALS) as work:
        set_chair(panel, _user(form.judge_id.data), _actor())
    if work.refused:
        return _back("judging.panels", edition, round_)
    flash(_("Đã chọn chủ tịch tiểu ban."), "success")
    return _back("judging.panels", edition, round_)


@bp.post("/<slug>/panels/remove")
def remove_panel_judge(slug: str):
    """Take a judge off a panel: drafts go, submitted sheets stay unless voided (audited)."""
    edition, round_ = _edition_round(slug)
    form = PanelJudgeForm()
    form.validate_on_submit()
    panel = _panel(edition, round_, form.panel_id.data)
    judge = _user(form.judge_id.data)
    result = assigning.remove_judge(panel, judge, _actor(), void_submitted=bool(form.void.data))
    db.session.commit()
    flash(
        _(
            "Đã rút %(name)s khỏi tiểu ban: gỡ %(a)d phân công, xoá %(d)d bản nháp, "
            "giữ %(k)d phiếu đã nộp, huỷ %(v)d phiếu đã nộp.",
            name=judge.display_name,
            a=result.assignments_removed,
            d=result.drafts_deleted,
            k=result.submitted_kept,
            v=result.submitted_voided,
        ),
        "success",
    )
    return _back("judging.panels", edition, round_)


# --- Assignment -------------------------------------------------------------------------------


def _field_filter(edition) -> int | None:
    """The ``field`` query value (a field code of the edition), as a field id."""
    code = (request.values.get("field") or "").strip()
    found = next((f for f in edition.fields if f.code == code), None)
    return found.id if found is not None else None


def _assignment_page(edition, round_, shortfalls=None, status: int = 200):
    """The assignment page: one page of the round's entries (filtered by field and by "still
    lacking judges"), their judges, the panels' judges — paginated, with a number of
    statements that does not grow with the number of entries."""
    listing = organizer_lists.assignment_list(
        edition,
        round_,
        field_id=_field_filter(edition),
        lacking=request.values.get("lacking") == "1",
        page=page_number(request.values.get("page")),
        per_page=organizer_lists.PER_PAGE,
    )
    panel_judges = panels_of_round(edition, round_)
    ids = {j for js in panel_judges.values() for j in js}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return _page(
        "judging/org_assignment.html",
        edition,
        round_,
        "assignment",
        status=status,
        listing=listing,
        entries=listing.entries,
        assigned=listing.assigned,
        field_codes={f.id: f.code for f in edition.fields},
        panel_judges={f: [people[j] for j in js] for f, js in panel_judges.items()},
        shortfalls=shortfalls,
        form=AssignForm(),
        bulk_form=BulkAssignForm(),
        bulk_judges=sorted(people.values(), key=lambda u: u.display_name),
    )


@bp.get("/<slug>/assignment")
def assignment(slug: str):
    """Entries of the round with their judges; automatic and manual assignment."""
    edition, round_ = _edition_round(slug)
    return _assignment_page(edition, round_)


@bp.post("/<slug>/assignment/auto")
def auto_assign(slug: str):
    """Run the automatic assignment and show the entries still lacking judges, and why."""
    edition, round_ = _edition_round(slug)
    result = assigning.auto_assign(edition, round_, _actor())
    db.session.commit()
    flash(_("Đã phân công thêm %(n)d lượt chấm.", n=len(result.created)), "success")
    return _assignment_page(edition, round_, shortfalls=result.shortfalls)


@bp.post("/<slug>/assignment/assign")
def assign(slug: str):
    """Assign one judge to one entry (a conflict is refused with the reason)."""
    edition, round_ = _edition_round(slug)
    form = AssignForm()
    form.validate_on_submit()
    entry, judge = _entry(edition, form.entry_id.data), _user(form.judge_id.data)
    with unit_of_work(*REFUSALS) as work:
        assigning.assign_judges_to_entry(edition, round_, entry, [judge], _actor())
    if work.refused:
        return _back("judging.assignment", edition, round_)
    flash(_("Đã phân công %(name)s chấm %(code)s.", name=judge.display_name, code=entry.code),
          "success")  # fmt: skip
    back = {"conflicts": "judging.conflicts", "progress": "judging.progress_page"}
    return _back(back.get(request.form.get("back", ""), "judging.assignment"), edition, round_)


@bp.post("/<slug>/assignment/bulk")
def bulk_assign(slug: str):
    """Assign the ticked entries to one judge; a conflicted entry is refused with its reason
    while the others are assigned."""
    edition, round_ = _edition_round(slug)
    form = BulkAssignForm()
    form.validate_on_submit()
    judge = _user(form.judge_id.data)
    ids = [i for i in (_int(v) for v in request.form.getlist("entry_ids")) if i is not None]
    if not ids:
        flash(_("Hãy chọn ít nhất một hồ sơ."), "danger")
        return _back("judging.assignment", edition, round_)
    entries = [_entry(edition, i) for i in dict.fromkeys(ids)]
    with unit_of_work(*REFUSALS) as work:
        created, refused = assigning.assign_entries_where_allowed(
            edition, round_, judge, entries, _actor()
        )
    if work.refused:
        return _back("judging.assignment", edition, round_)
    flash(_("Đã phân công %(name)s chấm thêm %(n)d hồ sơ.", name=judge.display_name,
            n=len(created)), "success")  # fmt: skip
    for line in refused:
        flash(line, "danger")
    return _back("judging.assignment", edition, round_)


@bp.post("/<slug>/assignment/unassign")
def unassign(slug: str):
    """Remove one judge from one entry (their draft goes; a submitted sheet refuses)."""
    edition, round_ = _edition_round(slug)
    form = AssignForm()
    form.validate_on_submit()
    entry, judge = _entry(edition, form.entry_id.data), _user(form.judge_id.data)
    with unit_of_work(*REFUSALS) as work:
        assigning.unassign(round_, [(entry.id, judge.id)], _actor())
    if work.refused:
        return _back("judging.assignment", edition, round_)
    flash(_("Đã gỡ %(name)s khỏi hồ sơ %(code)s.", name=judge.display_name, code=entry.code),
          "success")  # fmt: skip
    return _back("judging.assignment", edition, round_)
