"""The judge's file routes (blueprint ``judge``):

* ``GET /judge/attachments/<id>`` — an attachment of an entry the judge may judge now, as a
  download under its blind name (``nosniff``, sandboxing CSP, ``attachment`` disposition);
* ``GET /judge/attachments/<id>/thumbnail`` — its JPEG thumbnail, inline.

Who gets what is :func:`.judge_files.judge_attachment_or_404`; anything else is a 404.
"""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..entries.attachment_views import _send as send_stored  # the one place for file headers
from ..permissions import role_required
from .judge_files import (
    FileWithheld,
    JudgeCopyUnavailable,
    judge_attachment_or_404,
    judge_file,
    judge_thumbnail_key,
)
from .views_judge import bp


@bp.get("/attachments/<int:attachment_id>")
@role_required(Role.JUDGE)
def attachment(attachment_id: int):
    """The file, as a download under its blind name."""
    found = judge_attachment_or_404(current_user, attachment_id)
    try:
        file = judge_file(found)
    except JudgeCopyUnavailable as exc:
        title = _("Không tải được tệp")
        return render_template("errors/error.html", code=422, title=title, message=exc.message), 422
    except FileWithheld as exc:
        title = _("Tệp đang chờ kiểm tra")
        return render_template("errors/error.html", code=423, title=title, message=exc.message), 423
    return send_stored(file.storage_key, file.content_type, file.name, as_attachment=True)


@bp.get("/attachments/<int:attachment_id>/thumbnail")
@role_required(Role.JUDGE)
def thumbnail(attachment_id: int):
    """The JPEG thumbnail of an image attachment, shown inline."""
    found = judge_attachment_or_404(current_user, attachment_id)
    key = judge_thumbnail_key(found)
    if not key:
        abort(404)
    response = send_stored(key, "image/jpeg", f"{found.id}.jpg", as_attachment=False)
    response.cache_control.max_age = 3600
    response.cache_control.no_cache = None
    return response
