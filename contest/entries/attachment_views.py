"""Attachment endpoints (blueprint ``attachments``): upload, download, thumbnail, delete.

* ``POST /entries/<id>/attachments/<kind>`` — a multipart form (field ``file``, several for
  photos; ``next``: where to go back). Works without JavaScript.
* ``PUT /entries/<id>/attachments/<kind>?name=<file name>`` — the file as the raw request body
  (``Content-Type: application/octet-stream``, CSRF token in ``X-CSRFToken``), read straight
  from ``request.stream``: no multipart spooling, and a refusal comes before the rest of the
  body is read. ``static/js/uploads.js`` uses it, with a progress bar. Answers JSON.
* ``GET /attachments/<id>`` — the file as a download (``Content-Disposition: attachment`` with
  an RFC 5987 UTF-8 name, ``nosniff``, the detected type, a sandboxing CSP), to whoever may see
  the entry; ``GET /attachments/<id>/thumbnail`` — the JPEG thumbnail of an image.
* ``POST /attachments/<id>/delete``.

Before anything reads the body (the CSRF check parses forms), the request's size cap is set to
what the kind accepts, so an oversized upload is cut off early with a 413 and a clear message.

Entrant pages include ``templates/entries/_attachments.html``; it calls the template global
:func:`attachment_panel`.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..contests.deadlines import SubmissionsClosed
from ..contests.models import ATTACHMENT_KINDS
from ..errors import message_of
from ..extensions import db, login_manager
from ..forms import EmptyForm
from ..redirects import safe_next
from ..storage import MIB, send_stored
from . import access, attachments, completeness
from .attachments import POLICIES, FileChanges, format_size
from .models import Attachment, Entry
from .states import EntryError

bp = Blueprint("attachments", __name__)

UPLOAD_ENDPOINTS = ("attachments.upload", "attachments.upload_stream")
FORM_OVERHEAD = MIB  # multipart framing and the small form fields
OFFERED = ("photos", "video")  # optional kinds always offered on the entrant's page
REFUSALS = (EntryError, access.NotAllowed, SubmissionsClosed)
FILE_CSP = "default-src 'none'; sandbox"


@bp.url_value_preprocessor
def _cap_upload_size(endpoint, values):
    """Cap the body of an upload at what its kind accepts, before anything reads it."""
    if endpoint not in UPLOAD_ENDPOINTS or not values:
        return
    policy = POLICIES.get(values.get("kind", ""))
    if policy is None:
        return
    if endpoint == "attachments.upload_stream":
        request.max_content_length = policy.max_bytes
    else:
        files = attachments.max_photos() if policy.multiple else 1
        request.max_content_length = policy.max_bytes * files + FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    """An upload over its kind's cap: say the limit, in the form the caller wants."""
    policy = POLICIES.get((request.view_args or {}).get("kind", ""))
    if policy is None:
        message = _("Tệp tải lên vượt quá dung lượng cho phép.")
    else:
        message = _(
            "Không nhận tệp: mục “%(kind)s” chỉ nhận tệp tối đa %(limit)s.",
            kind=policy.label,
            limit=format_size(policy.max_bytes),
        )
    # The body is not read again: the page the form was on is the way back.
    entry_id = (request.view_args or {}).get("entry_id")
    return _refuse(message, 413, safe_next(request.referrer) or _entry_page(entry_id))


# --- Uploads ----------------------------------------------------------------------------------


@bp.post("/entries/<int:entry_id>/attachments/<kind>")
def upload(entry_id: int, kind: str):
    """Upload one file (several for photos) from a multipart form."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    entry, policy = _entry_and_policy(entry_id, kind)
    back = _back(entry)
    refusal = access.edit_refusal(current_user, entry)
    if refusal:
        return _refuse(refusal, 403, back)
    files = [f for f in request.files.getlist("file") if f and f.filename]
    if not files:
        return _refuse(_("Vui lòng chọn tệp để tải lên."), 400, back)
    if len(files) > 1 and not policy.multiple:
        return _refuse(_("Mục “%(kind)s” chỉ nhận một tệp.", kind=policy.label), 400, back)
    return _store(entry, kind, [(f.stream, f.filename) for f in files], back)


@bp.put("/entries/<int:entry_id>/attachments/<kind>")
def upload_stream(entry_id: int, kind: str):
    """Upload one file sent as the raw request body (JSON answer)."""
    if not current_user.is_authenticated:
        return jsonify(error="unauthenticated", message=_("Vui lòng đăng nhập.")), 401
    entry, policy = _entry_and_policy(entry_id, kind)
    refusal = access.edit_refusal(current_user, entry)
    if refusal:
        return jsonify(error="refused", message=refusal), 403
    if request.mimetype != "application/octet-stream":
        message = _("Tệp phải được gửi dưới dạng application/octet-stream.")
        return jsonify(error="unsupported", message=message), 415
    if request.content_length is not None and request.content_length > policy.max_bytes:
        raise RequestEntityTooLarge()
    name = request.args.get("name", "")
    return _store(entry, kind, [(request.stream, name)], None, as_json=True)


def _store(entry: Entry, kind: str, files, back, as_json: bool = False):
    """Check, stream every file into storage with no transaction open, then attach them all
    in one transaction (re-checked at the write); settle the stored files either way."""
    entry_id = entry.id
    changes = FileChanges()
    try:
        attachments.check_upload(entry, kind, current_user, files=len(files))
        # End the read transaction: a long upload must not keep one open (PostgreSQL would
        # hold its snapshot, and the pool its connection, for minutes).
        db.session.rollback()
        received = [
            attachments.receive(kind, stream, name, changes=changes) for stream, name in files
        ]
        stored = [
            attachments.attach(entry, kind, item, current_user, changes=changes)
            for item in received
        ]
        db.session.commit()
    except REFUSALS as exc:
        db.session.rollback()
        changes.rolled_back()
        return _refuse(message_of(exc), 409 if isinstance(exc, EntryError) else 403, back)
    except BaseException:
        db.session.rollback()
        changes.rolled_back()
        raise
    changes.committed()
    if as_json or _wants_json():
        return jsonify(attachments=[_as_json(a) for a in stored]), 201
    if len(stored) == 1:
        flash(_("Đã tải lên tệp “%(name)s”.", name=stored[0].original_name), "success")
    else:
        flash(_("Đã tải lên %(n)d tệp.", n=len(stored)), "success")
    return redirect(back or _entry_page(entry_id))


# --- Downloads --------------------------------------------------------------------------------


@bp.get("/attachments/<int:attachment_id>")
def download(attachment_id: int):
    """The file, as a download, to whoever may see the entry."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    attachment = attachments.load_attachment(attachment_id, current_user)
    return _send(
        attachment.storage_key,
        attachment.content_type,
        attachments.download_name(attachment, current_user),
        as_attachment=True,
    )


@bp.get("/attachments/<int:attachment_id>/thumbnail")
def thumbnail(attachment_id: int):
    """The JPEG thumbnail of an image attachment (made by the service, shown inline)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    attachment = attachments.load_attachment(attachment_id, current_user)
    if not attachment.thumbnail_key:
        return _not_found()
    response = _send(
        attachment.thumbnail_key, "image/jpeg", f"{attachment.id}.jpg", as_attachment=False
    )
    response.cache_control.max_age = 3600
    response.cache_control.no_cache = None
    return response


def _send(key: str, mimetype: str, name: str, *, as_attachment: bool):
    """Stream a stored file (or redirect to a presigned URL: :func:`contest.storage.send_stored`)
    with the headers that keep a browser from running it."""
    response = send_stored(key, mimetype, name, as_attachment=as_attachment)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.cache_control.public = False
    response.cache_control.private = True
    return response


def _not_found():
    """404 through the app's error page."""
    abort(404)


# --- Delete -----------------------------------------------------------------------------------


@bp.post("/attachments/<int:attachment_id>/delete")
def delete(attachment_id: int):
    """Remove an attachment (a POST with CSRF; the page asks for confirmation)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    attachment = attachments.load_attachment(attachment_id, current_user)
    entry_id = attachment.entry_id
    back = _back(attachment.entry)
    if not EmptyForm().validate_on_submit():
        return _refuse(_("Biểu mẫu đã hết hạn, vui lòng thử lại."), 400, back)
    name = attachment.original_name
    changes = FileChanges()
    try:
        attachments.delete(attachment, current_user, changes=changes)
        db.session.commit()
    except REFUSALS as exc:
        db.session.rollback()
        changes.rolled_back()
        return _refuse(message_of(exc), 409 if isinstance(exc, EntryError) else 403, back)
    changes.committed()
    if _wants_json():
        return jsonify(deleted=attachment_id)
    flash(_("Đã xoá tệp “%(name)s”.", name=name), "success")
    return redirect(back or _entry_page(entry_id))


# --- Helpers ----------------------------------------------------------------------------------


def _entry_and_policy(entry_id: int, kind: str):
    """The entry (404 unless the user may see it) and the kind's policy (404 if unknown)."""
    entry = access.load_entry(entry_id, current_user)
    policy = POLICIES.get(kind)
    if policy is None:
        _not_found()
    return entry, policy


def _wants_json() -> bool:
    """True when the caller asked for JSON (the upload script, API clients)."""
    return request.accept_mimetypes.best == "application/json"


def _entry_page(entry_id: int | None) -> str:
    """The entry's page once the entrant pages exist; the home page otherwise."""
    endpoint = "entries.detail"
    if entry_id is not None and endpoint in current_app.view_functions:
        return url_for(endpoint, entry_id=entry_id)
    return url_for("main.index")


def _back(entry: Entry | None) -> str:
    """Where a form upload or delete returns: ``next`` (same site only) or the entry page."""
    target = safe_next(request.form.get("next") if request.form else request.args.get("next"))
    return target or _entry_page(entry.id if entry is not None else None)


def _refuse(message: str, status: int, back: str | None):
    """A refusal: JSON for scripts, otherwise a flash message and a redirect back."""
    if back is None or request.method == "PUT" or _wants_json():
        return jsonify(error="refused", message=message), status
    flash(message, "danger")
    return redirect(back)


def _as_json(attachment: Attachment) -> dict:
    """An attachment as the upload script needs it."""
    return {
        "id": attachment.id,
        "kind": attachment.kind,
        "name": attachment.original_name,
        "size": attachment.size_bytes,
        "content_type": attachment.content_type,
        "sha256": attachment.sha256,
        "download_url": url_for("attachments.download", attachment_id=attachment.id),
        "thumbnail_url": url_for("attachments.thumbnail", attachment_id=attachment.id)
        if attachment.thumbnail_key
        else None,
    }


# --- The partial's data -----------------------------------------------------------------------


@bp.app_template_global()
def attachment_panel(entry: Entry, next_url: str | None = None) -> dict:
    """What ``entries/_attachments.html`` shows for ``entry`` to the current user: one row
    per kind (the field's checklist first, then photos and video, then any other kind in
    use), with its files, what it accepts and whether the user may change it."""
    refusal = access.edit_refusal(current_user, entry)
    required = completeness.required_kinds(entry)
    groups: dict[str, list[Attachment]] = {}
    for attachment in sorted(entry.attachments, key=lambda a: a.id or 0):
        groups.setdefault(attachment.kind, []).append(attachment)
    kinds = required + [
        k for k in ATTACHMENT_KINDS if k not in required and (k in groups or k in OFFERED)
    ]
    rows = []
    for kind in kinds:
        policy = POLICIES[kind]
        files = groups.get(kind, [])
        rows.append(
            {
                "kind": kind,
                "label": policy.label,
                "policy": policy,
                "limit": format_size(policy.max_bytes),
                "required": kind in required,
                "judges_see": entry.edition.judges_may_see(kind),
                "files": files,
                "room": not policy.multiple or len(files) < attachments.max_photos(),
            }
        )
    return {
        "entry": entry,
        "rows": rows,
        "can_edit": refusal is None,
        "refusal": refusal,
        "next": next_url,
        "format_size": format_size,
        "max_photos": attachments.max_photos(),
    }
