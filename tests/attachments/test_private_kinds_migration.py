"""Migration 0026 adds the registration form and identity documents as attachment kinds and
keeps them from judges in every edition that exists (no file of these kinds exists before it,
so no judge loses anything); its downgrade refuses while such files exist."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from contest.accounts.models import Role, User
from contest.contests import operations as editions
from contest.contests.models import Edition
from contest.entries import attachments
from contest.entries.attachments import FileChanges
from contest.entries.models import Attachment, Entry
from contest.extensions import db
from contest.timeutil import utcnow
from tests import factories
from tests.attachments.conftest import pdf_bytes
from tests.judging.conftest import make_entry

BEFORE = "0025_provinces"
INSERT = text(
    "INSERT INTO entry_attachments (entry_id, kind, original_name, storage_key, content_type, "
    "size_bytes, sha256, created_at) VALUES (:e, 'registration_form', 'x.pdf', 'entries/x.pdf', "
    "'application/pdf', 1, :sha, CURRENT_TIMESTAMP)"
)


def _stored_kinds(edition_id: int) -> list[str]:
    with db.engine.connect() as conn:
        kinds = conn.execute(
            text("SELECT organizer_only_attachments FROM editions WHERE id = :i"),
            {"i": edition_id},
        ).scalar()
    return json.loads(kinds) if isinstance(kinds, str) else kinds


def test_existing_editions_keep_the_new_kinds_from_judges_and_downgrade_guards(app):
    organizer = factories.make_user("btc-mig@example.vn", (Role.ORGANIZER,))
    edition = editions.create_from_template(
        "youth", "tt-mig", "Cuộc thi", utcnow() + timedelta(days=9), organizer
    )
    entry = make_entry(edition, "TT-001", field=edition.fields[0].code)
    edition_id, entry_id, organizer_id = edition.id, entry.id, organizer.id
    db.session.remove()

    downgrade(revision=BEFORE)
    with db.engine.begin() as conn:  # as an organizer chose before the migration
        conn.execute(
            text("UPDATE editions SET organizer_only_attachments = :k WHERE id = :i"),
            {"k": '["photos", "unit_confirmation"]', "i": edition_id},
        )
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(INSERT, {"e": entry_id, "sha": "0" * 64})

    upgrade()
    assert db.session.get(Edition, edition_id).organizer_only_attachments == [
        "photos",
        "unit_confirmation",
        "registration_form",
        "identity_document",
    ]
    attachment = attachments.upload(
        db.session.get(Entry, entry_id), "identity_document", io.BytesIO(pdf_bytes()),
        "cccd.pdf", db.session.get(User, organizer_id), changes=FileChanges(),
    )  # fmt: skip
    db.session.commit()
    attachment_id = attachment.id
    db.session.remove()

    with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's refusal and exits
        downgrade(revision=BEFORE)
    db.session.remove()
    db.session.delete(db.session.get(Attachment, attachment_id))
    db.session.commit()
    db.session.remove()
    downgrade(revision=BEFORE)
    assert _stored_kinds(edition_id) == ["photos", "unit_confirmation"]
    upgrade()
    assert _stored_kinds(edition_id) == [
        "photos",
        "unit_confirmation",
        "registration_form",
        "identity_document",
    ]
