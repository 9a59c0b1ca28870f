"""The entries' e-mails: the receipt after a submission and the notice of a rejection, sent
to the owner in their language, queued as mail jobs (sent after the commit)."""

from __future__ import annotations

from flask import current_app, has_request_context
from flask_babel import lazy_gettext as _l

from ..contests.deadlines import deadline_for
from .models import Entry

# The page of an entry (the entrant pages' endpoint); the e-mails link to it once it exists.
ENTRY_ENDPOINT = "entries.detail"


def entry_link(entry: Entry) -> str | None:
    """An absolute link to the entry's page, once the entrant pages exist."""
    if ENTRY_ENDPOINT not in current_app.view_functions:
        return None
    if has_request_context():
        from ..accounts.emails import external_url

        return external_url(ENTRY_ENDPOINT, entry_id=entry.id)
    path = current_app.url_map.bind("localhost").build(ENTRY_ENDPOINT, {"entry_id": entry.id})
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + path


def send_receipt(entry: Entry) -> None:
    """Queue the receipt e-mail (code, title, deadline for changes) to the owner."""
    owner = entry.owner
    if owner is None or not owner.email:
        return
    from ..accounts.emails import mail_user

    mail_user(
        owner,
        _l("Đã nhận hồ sơ dự thi %(code)s", code=entry.code),
        "entry_submitted",
        entry=entry,
        edition=entry.edition,
        deadline=deadline_for(entry.edition, entry.area),
        link=entry_link(entry),
    )


def send_rejection(entry: Entry, reason: str) -> None:
    """Queue the rejection notice, with the organizers' reason, to the owner."""
    owner = entry.owner
    if owner is None or not owner.email:
        return
    from ..accounts.emails import mail_user

    mail_user(
        owner,
        _l("Hồ sơ dự thi %(code)s không được đưa vào chấm", code=entry.code),
        "entry_rejected",
        entry=entry,
        edition=entry.edition,
        reason=reason,
        link=entry_link(entry),
    )
