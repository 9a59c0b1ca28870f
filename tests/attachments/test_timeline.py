"""The timeline and the entry's state are checked where attachments are written: entrants
(and the area's coordinators) only while submissions are open for the entry's area and the
entry is editable — before the stream is read and again at the write; organizers at any time
(entries that came on paper), audited. Replacements and removals keep the store consistent."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.contests.deadlines import SubmissionsClosed, extend_deadline
from contest.entries import attachments
from contest.entries.access import NotAllowed
from contest.entries.attachments import AttachmentRefused, FileChanges
from contest.entries.models import Attachment, Entry, EntryStatus
from contest.extensions import db
from contest.timeutil import utcnow
from tests import factories
from tests.attachments.conftest import (
    attachment_count,
    make_entry,
    pdf_bytes,
    png_bytes,
    stored_files,
)
from tests.attachments.test_uploads import JSON, assert_nothing_left, post_file, put_file


@pytest.fixture()
def owner(people, client_for):
    return client_for(people["owner"])


def add(entry, kind, actor, data=None, name="f.pdf", **kwargs):
    """Upload through the operation and commit; return the attachment and the changes."""
    changes = FileChanges()
    attachment = attachments.upload(
        entry, kind, io.BytesIO(data or pdf_bytes()), name, actor, changes=changes, **kwargs
    )
    db.session.commit()
    changes.committed()
    return attachment


def late_entry(closed_edition, people, tree):
    """The owner's draft in an edition whose deadline has passed (made while it was open)."""
    deadline = closed_edition.submission_deadline
    with time_machine.travel(deadline - timedelta(days=3), tick=False):
        return make_entry(closed_edition, people["owner"], tree["my_bang"])


def test_entrants_cannot_upload_after_the_deadline(
    closed_edition, people, tree, client_for, upload_root
):
    entry = late_entry(closed_edition, people, tree)
    for who in ("owner", "coord"):
        client = client_for(people[who])
        response = post_file(client, entry, "description", pdf_bytes(), "tm.pdf")
        assert response.status_code == 403
        assert "không nhận hồ sơ" in response.get_json()["message"]
        assert put_file(client, entry, "description", pdf_bytes(), "a.pdf").status_code == 403
    with pytest.raises(SubmissionsClosed):
        add(entry, "description", people["owner"])
    assert_nothing_left(upload_root)


def test_an_extension_for_the_area_reopens_uploads(closed_edition, people, tree, client_for):
    entry = late_entry(closed_edition, people, tree)
    extend_deadline(
        closed_edition, tree["yen_son"], utcnow() + timedelta(days=2), "Mưa lũ", people["organizer"]
    )
    db.session.commit()
    response = post_file(client_for(people["owner"]), entry, "description", pdf_bytes(), "a.pdf")
    assert response.status_code == 201


def test_the_deadline_passing_during_the_upload_refuses_it(edition, entry, owner, upload_root):
    """Checked again at the write: the deadline passed while the body was streaming."""
    deadline = edition.submission_deadline
    with time_machine.travel(deadline - timedelta(minutes=1), tick=False) as traveller:

        class SlowBody(io.BytesIO):
            def _tick(self):
                if self.tell() > 1000:
                    traveller.move_to(deadline + timedelta(seconds=1))

            def read(self, size=-1):
                data = super().read(size)
                self._tick()
                return data

            def readinto(self, buffer):
                count = super().readinto(buffer)
                self._tick()
                return count

        response = owner.put(
            f"/entries/{entry.id}/attachments/description?name=a.pdf",
            input_stream=SlowBody(pdf_bytes() + b"%" * 20_000 + b"\n%%EOF\n"),
            content_type="application/octet-stream",
        )
    assert response.status_code == 403
    assert "không nhận hồ sơ" in response.get_json()["message"]
    assert_nothing_left(upload_root)


def test_organizers_add_files_to_paper_entries_at_any_time(
    closed_edition, people, tree, client_for, upload_root
):
    paper = factories.make_entry(
        closed_edition,
        "TTN-HT-001",
        "HT",
        status=EntryStatus.SUBMITTED,
        title="Hồ sơ nộp giấy",
        summary="",
        authors=(),
        area=tree["yen_son"],
    )
    client = client_for(people["organizer"])
    response = post_file(client, paper, "description", pdf_bytes(), "Bản quét.pdf")
    assert response.status_code == 201
    audit = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "entry.attachment_add")
    ).scalar_one()
    assert audit.actor_id == people["organizer"].id and audit.object_id == str(paper.id)
    assert audit.details["name"] == "Bản quét.pdf" and audit.details["kind"] == "description"
    assert audit.details["sha256"] and audit.details["size"] == len(pdf_bytes())
    # The coordinator of the area may see it but not change it after the deadline.
    coord = client_for(people["coord"])
    assert post_file(coord, paper, "photos", png_bytes(), "a.png").status_code == 403


def test_a_status_that_is_not_editable_refuses_entrants(entry, people, owner, upload_root):
    db.session.execute(
        db.update(Entry).where(Entry.id == entry.id).values(status="accepted", code="X-1")
    )
    db.session.commit()
    response = post_file(owner, entry, "description", pdf_bytes(), "a.pdf")
    assert response.status_code == 403
    assert "không thể sửa" in response.get_json()["message"]
    assert_nothing_left(upload_root)
    organizer = add(entry, "description", people["organizer"])
    assert organizer.id


def test_single_file_kinds_replace_and_delete_the_old_file(entry, people, upload_root):
    first = add(entry, "description", people["owner"], name="v1.pdf")
    first_path = upload_root / first.storage_key
    assert first_path.exists()
    second = add(entry, "description", people["owner"], name="v2.pdf")
    db.session.expire_all()
    kinds = [(a.kind, a.original_name) for a in db.session.get(Entry, entry.id).attachments]
    assert kinds == [("description", "v2.pdf")]
    assert not first_path.exists() and (upload_root / second.storage_key).exists()
    audit = (
        db.session.execute(
            select(AuditEntry)
            .where(AuditEntry.action == "entry.attachment_add")
            .order_by(AuditEntry.id.desc())
        )
        .scalars()
        .first()
    )
    assert audit.details["replaced"] == ["v1.pdf"]


def test_photos_add_up_to_the_limit(entry, people, owner, upload_root):
    for n in range(3):
        add(entry, "photos", people["owner"], png_bytes(), f"{n}.png")
    response = post_file(owner, entry, "photos", png_bytes(), "4.png")
    assert response.status_code == 409
    assert "tối đa" in response.get_json()["message"]
    assert attachment_count() == 3
    assert len(stored_files(upload_root)) == 6  # three photos, three thumbnails


def test_delete_removes_the_files_after_the_commit(entry, people, owner, upload_root):
    photo = add(entry, "photos", people["owner"], png_bytes(), "a.png")
    response = owner.post(f"/attachments/{photo.id}/delete", data={"next": "/back"})
    assert response.status_code == 302 and response.headers["Location"] == "/back"
    assert_nothing_left_but_audits(upload_root)
    assert (
        db.session.execute(select(AuditEntry).where(AuditEntry.action == "entry.attachment_delete"))
        .scalar_one()
        .details["name"]
        == "a.png"
    )


def assert_nothing_left_but_audits(upload_root):
    assert stored_files(upload_root) == []
    assert attachment_count() == 0


def test_a_submitted_entry_keeps_its_required_files(entry, people, owner):
    description = add(entry, "description", people["owner"])
    db.session.execute(
        db.update(Entry).where(Entry.id == entry.id).values(status="submitted", code="X-2")
    )
    db.session.commit()
    changes = FileChanges()
    with pytest.raises(AttachmentRefused, match="thay thế"):
        attachments.delete(description, people["owner"], changes=changes)
    db.session.rollback()
    response = owner.post(f"/attachments/{description.id}/delete", headers={"Accept": JSON})
    assert response.status_code == 409
    replacement = add(entry, "description", people["owner"], name="moi.pdf")  # replacing is fine
    attachments.delete(replacement, people["organizer"], changes=changes)  # organizers may
    db.session.commit()
    changes.committed()
    assert attachment_count() == 0


def test_other_people_cannot_write_through_the_operation(entry, people):
    for who in ("other", "coord_other", "judge"):
        with pytest.raises(NotAllowed):
            add(entry, "description", people[who])
        db.session.rollback()
    with pytest.raises(NotAllowed):
        add(entry, "description", None)


def test_a_failed_commit_removes_the_new_files(entry, owner, upload_root, monkeypatch):
    def broken_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        owner.post(
            f"/entries/{entry.id}/attachments/photos",
            data={"file": (io.BytesIO(png_bytes()), "a.png")},
            content_type="multipart/form-data",
        )
    monkeypatch.undo()
    assert stored_files(upload_root) == []
    assert db.session.scalar(select(Attachment.id)) is None
