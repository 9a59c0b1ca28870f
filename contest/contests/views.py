"""Organizer pages of the editions: list, create (from a template or a JSON definition),
overview, the settings pages, the rules document, deadline extensions, clone, audit log.

Every view is for organizers (checked once, before each request). Views are thin: they read
a form, call :mod:`.operations` (or :mod:`.pages_support`), commit once, and show the
domain's Vietnamese problems on the form when a change is refused. The editing pages of the
lists (fields, boards, criteria, rounds, prizes) are in :mod:`.settings_views`.
"""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..areas.models import Area
from ..extensions import db
from ..forms import EmptyForm
from ..permissions import organizers_only
from ..storage import MIB, FileTooLarge, StorageError, get_storage
from ..timeutil import utcnow
from . import operations, timeline
from . import pages_support as support
from .definition import export_edition
from .forms import (
    CloneForm,
    DefinitionForm,
    ExtensionForm,
    RulesDocumentForm,
    TemplateCreateForm,
)
from .labels import audit_view
from .templates import template_spec
from .timeline import Phase
from .validation import InvalidEdition

bp = Blueprint("editions", __name__, url_prefix="/organizer/editions")

DEFINITION_MAX_BYTES = 1024 * 1024


bp.before_request(organizers_only)


@bp.context_processor
def _helpers():
    """Phase badges and labels for every template of this blueprint."""
    return {
        "phase_colours": support.PHASE_COLOURS,
        "Phase": Phase,
        "edition_phase": timeline.phase,
    }


def _per_page() -> int:
    """Items per page of the paginated lists."""
    return current_app.config.get("PER_PAGE", 25)


# --- List and creation ------------------------------------------------------------------------


@bp.get("/")
def index():
    """Every edition with its phase; search by title or slug; paginated."""
    q = request.args.get("q", "").strip()
    page = support.organizer_editions(q, request.args.get("page", 1, type=int), _per_page())
    return render_template("editions/index.html", page=page, q=q, now=utcnow())


def _render_new(template_form=None, definition_form=None, problems=(), status=200):
    """The creation page with its two forms (blank unless given) and definition problems."""
    return (
        render_template(
            "editions/new.html",
            template_form=template_form or TemplateCreateForm(formdata=None),
            definition_form=definition_form or DefinitionForm(formdata=None),
            problems=list(problems),
        ),
        status,
    )


@bp.get("/new")
def new():
    """The two ways to create an edition: from a template, or from a definition file."""
    return _render_new()


@bp.post("/new")
def create_from_template():
    """Create an edition from the built-in template of the chosen contest."""
    form = TemplateCreateForm()
    if not form.validate_on_submit():
        return _render_new(template_form=form, status=400)
    spec = template_spec(
        form.kind.data, form.slug.data, form.title.data, form.submission_deadline.data
    )
    spec.opens_at = form.opens_at.data
    spec.number = form.number.data
    try:
        edition = operations.create_edition(spec, current_user, source=f"template:{spec.kind}")
    except InvalidEdition as exc:
        db.session.rollback()
        form.show_problems(exc.problems)
        return _render_new(template_form=form, status=400)
    db.session.commit()
    flash(_("Đã tạo lần thi “%(title)s” từ mẫu.", title=edition.title), "success")
    return redirect(url_for("editions.show", slug=edition.slug))


def _definition_text(form: DefinitionForm) -> str | None:
    """The uploaded definition file's text, else the pasted text; errors go on the form."""
    upload = form.file.data
    if upload is not None and getattr(upload, "filename", None):
        raw = upload.stream.read(DEFINITION_MAX_BYTES + 1)
        if len(raw) > DEFINITION_MAX_BYTES:
            form.file.errors = [_("Tệp định nghĩa quá lớn (tối đa 1 MB).")]
            return None
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors = [_("Tệp phải là văn bản UTF-8 (JSON).")]
            return None
    if form.text.data and form.text.data.strip():
        return form.text.data
    form.file.errors = [_("Vui lòng chọn tệp hoặc dán nội dung JSON.")]
    return None


@bp.post("/import")
def create_from_definition():
    """Create an edition from a JSON definition: all or nothing, every problem listed with
    its key."""
    form = DefinitionForm()
    if not form.validate_on_submit():
        return _render_new(definition_form=form, status=400)
    text = _definition_text(form)
    if text is None:
        return _render_new(definition_form=form, status=400)
    try:
        edition = operations.create_from_definition(text, current_user, confirm=form.confirm.data)
    except InvalidEdition as exc:
        db.session.rollback()
        form.text.data = text  # kept, so that confirming a warning needs no new upload
        return _render_new(definition_form=form, problems=exc.problems, status=400)
    db.session.commit()
    flash(_("Đã tạo lần thi “%(title)s” từ tệp định nghĩa.", title=edition.title), "success")
    return redirect(url_for("editions.show", slug=edition.slug))


# --- One edition ------------------------------------------------------------------------------


@bp.get("/<slug>")
def show(slug: str):
    """Everything about one edition, its timeline, and links to edit each part."""
    edition = support.edition_or_404(slug)
    now = utcnow()
    return render_template(
        "editions/show.html",
        edition=edition,
        now=now,
        phase=operations.edition_phase(edition, now),
        steps=support.timeline_steps(edition, now),
        birth_range=support.birth_date_range(edition),
        rules_form=RulesDocumentForm(formdata=None),
        action_form=EmptyForm(),
        attachment_labels=support.ATTACHMENT_LABELS,
        scope_labels=support.SCOPE_LABELS,
        public=support.is_public(edition, now),
        max_mb=_rules_max_bytes() // MIB,
    )


@bp.get("/<slug>/export.json")
def export(slug: str):
    """The edition's definition as a JSON file (round-trips with the import)."""
    edition = support.edition_or_404(slug)
    return Response(
        export_edition(edition),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename={edition.slug}.json"},
    )


# --- The rules document -----------------------------------------------------------------------


def _rules_max_bytes() -> int:
    """The size limit of the rules document (``RULES_DOCUMENT_MAX_BYTES``, default 20 MB)."""
    return int(current_app.config.get("RULES_DOCUMENT_MAX_BYTES", support.RULES_DOCUMENT_MAX_BYTES))


@bp.post("/<slug>/rules-document")
def upload_rules_document(slug: str):
    """Upload the rules document: a PDF (checked by its content), at most 20 MB."""
    edition = support.edition_or_404(slug)
    back = redirect(url_for("editions.show", slug=slug) + "#rules-document")
    limit = _rules_max_bytes()
    if request.content_length and request.content_length > limit + 64 * 1024:
        return _refuse_rules_document(FileTooLarge(), limit, back)
    form = RulesDocumentForm()
    upload = form.document.data if form.validate_on_submit() else None
    if upload is None or not getattr(upload, "filename", ""):
        flash(_("Vui lòng chọn tệp thể lệ (PDF)."), "danger")
        return back
    storage = get_storage()
    try:
        stored = storage.save(
            upload.stream,
            support.RULES_DOCUMENT_CATEGORY,
            allowed={"application/pdf"},
            max_bytes=limit,
        )
    except StorageError as exc:
        return _refuse_rules_document(exc, limit, back)
    try:
        previous = support.attach_rules_document(edition, stored, current_user)
        db.session.commit()
    except Exception:
        db.session.rollback()
        storage.delete(stored.key)
        raise
    if previous:
        storage.delete(previous)
    flash(_("Đã tải lên tệp thể lệ."), "success")
    return back


def _refuse_rules_document(error: StorageError, limit: int, back):
    """Tell why the upload was refused (nothing was stored)."""
    flash(
        _(
            "Không nhận tệp thể lệ: %(why)s Tệp phải là PDF, tối đa %(n)s MB.",
            why=str(error.message),
            n=max(1, limit // MIB),
        ),
        "danger",
    )
    return back


@bp.post("/<slug>/rules-document/delete")
def delete_rules_document(slug: str):
    """Take the rules document off the edition."""
    edition = support.edition_or_404(slug)
    if EmptyForm().validate_on_submit():
        previous = support.remove_rules_document(edition, current_user)
        db.session.commit()
        if previous:
            get_storage().delete(previous)
            flash(_("Đã gỡ tệp thể lệ."), "success")
    return redirect(url_for("editions.show", slug=slug) + "#rules-document")


@bp.get("/<slug>/rules-document")
def rules_document(slug: str):
    """Download the rules document (drafts included, for organizers)."""
    return support.rules_document_response(support.edition_or_404(slug))


# --- Deadline extensions ----------------------------------------------------------------------


@bp.route("/<slug>/extensions", methods=["GET", "POST"])
def extensions(slug: str):
    """The extensions of the deadline, and a form to extend it for everyone or one area."""
    edition = support.edition_or_404(slug)
    form = ExtensionForm()
    form.area.choices = [SelectChoice("", _("Toàn bộ lần thi"))] + [
        SelectChoice(str(area_id), label) for area_id, label in support.extension_area_choices()
    ]
    status = 200
    if form.validate_on_submit():
        area = db.session.get(Area, int(form.area.data)) if form.area.data else None
        if form.area.data and area is None:  # removed since the page was loaded
            abort(400)
        try:
            operations.extend_deadline(
                edition, area, form.new_deadline.data, form.reason.data, current_user
            )
        except InvalidEdition as exc:
            db.session.rollback()
            form.show_problems(exc.problems)
        else:
            # Dispatches the jobs added with the extension (the entrants' notice) after it.
            from ..jobs.operations import commit

            commit()
            flash(_("Đã gia hạn nộp hồ sơ."), "success")
            return redirect(url_for("editions.extensions", slug=slug))
    if form.is_submitted():
        status = 400
    rows = [
        (extension, operations.deadline_for(edition, extension.area))
        for extension in reversed(edition.extensions)
    ]
    return (
        render_template(
            "editions/extensions.html",
            edition=edition,
            form=form,
            rows=rows,
            deadline=operations.deadline_for(edition),
        ),
        status,
    )


# --- Clone ------------------------------------------------------------------------------------


@bp.route("/<slug>/clone", methods=["GET", "POST"])
def clone(slug: str):
    """Launch the next edition: a copy of the configuration with the dates shifted."""
    edition = support.edition_or_404(slug)
    data = None
    if request.method == "GET":
        data = {"slug": support.suggest_next_slug(edition.slug), "title": edition.title}
    form = CloneForm(data=data)
    status = 200
    if form.validate_on_submit():
        try:
            new_edition = operations.clone_edition(
                edition,
                form.slug.data,
                form.title.data,
                current_user,
                years=form.years.data,
                offset=timedelta(days=form.days.data) if form.days.data else None,
            )
        except InvalidEdition as exc:
            db.session.rollback()
            form.show_problems(exc.problems)
        else:
            db.session.commit()
            flash(_("Đã tạo lần thi tiếp theo “%(title)s”.", title=new_edition.title), "success")
            return redirect(url_for("editions.show", slug=new_edition.slug))
    if form.is_submitted():
        status = 400
    return render_template("editions/clone.html", edition=edition, form=form), status


# --- Audit log --------------------------------------------------------------------------------


@bp.get("/<slug>/audit")
def audit(slug: str):
    """Who changed what in the edition, and when (newest first)."""
    edition = support.edition_or_404(slug)
    page = support.edition_audit(edition, request.args.get("page", 1, type=int), _per_page())
    return render_template(
        "editions/audit.html",
        edition=edition,
        page=page,
        entries=[audit_view(entry) for entry in page.items],
    )
