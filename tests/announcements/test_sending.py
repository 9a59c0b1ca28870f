"""Sending an announcement: the page previews the number of recipients and sends only what
was confirmed; the job writes to each recipient at most once, reports its progress, and a
resumed sending writes only to the rest after refused addresses or a mail server that went
away mid-way."""

from __future__ import annotations

import re
import smtplib
from html import unescape

import pytest
from sqlalchemy import select

from contest.announcements import operations
from contest.announcements.models import Announcement, AnnouncementRecipient, Audience
from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.jobs import operations as jobs
from contest.jobs.models import Job, JobStatus
from contest.publication import notifications
from contest.publication.models import SentNotification
from tests.announcements.helpers import SLUG

URL = f"/organizer/announcements/{SLUG}"


def _form(**values) -> dict:
    data = {
        "audience": "submitted",
        "area": "",
        "field": "",
        "subject": "Lịch giao lưu",
        "body": "Kính gửi các thí sinh,\nBan Tổ chức mời các bạn dự buổi giao lưu.",
    }
    data.update(values)
    return data


def _preview(client, **values):
    response = client.post(f"{URL}/new", data={**_form(**values), "action": "preview"})
    page = response.get_data(as_text=True)
    found = re.search(r'data-testid="preview-count" data-count="(\d+)"', page)
    confirmed = re.search(r'name="confirmed_count" type="hidden" value="([^"]*)"', page)
    return (
        response,
        page,
        int(found.group(1)) if found else None,
        (unescape(confirmed.group(1)) if confirmed else ""),
    )


def _recipients(announcement_id: int) -> dict[str, str]:
    rows = db.session.execute(
        select(AnnouncementRecipient.email, AnnouncementRecipient.status).where(
            AnnouncementRecipient.announcement_id == announcement_id
        )
    ).all()
    return dict(rows)


def test_the_page_previews_the_count_then_sends_once_to_each(client, login, season, outbox):
    login(season["organizer"])
    response, page, count, confirmed = _preview(client)
    assert response.status_code == 200 and count == 2
    assert "Thông báo sẽ được gửi tới 2 người nhận." in page
    assert "Gửi tới 2 người nhận" in page and not db.session.scalars(select(Announcement)).all()

    response = client.post(
        f"{URL}/new", data={**_form(), "action": "send", "confirmed_count": confirmed}
    )
    assert response.status_code == 302
    announcement = db.session.scalars(select(Announcement)).one()
    assert response.headers["Location"].endswith(f"{URL}/{announcement.id}")
    assert sorted(m["To"] for m in outbox) == ["e3@example.vn", "e4@example.vn"]
    message = outbox[0]
    assert message["Subject"] == "Lịch giao lưu"
    assert "Ban Tổ chức mời các bạn dự buổi giao lưu." in message.get_content()
    assert "Cuộc thi TTN-NĐ 2026" in message.get_content()
    job = db.session.get(Job, announcement.job_id)
    assert (job.status, job.progress, job.total) == (JobStatus.SUCCEEDED, 2, 2)
    assert set(_recipients(announcement.id).values()) == {"sent"}
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "announcement.send")
    ).one()
    assert audit.actor_id == season["organizer"].id and audit.details["recipients"] == 2

    index = client.get(URL).get_data(as_text=True)
    assert "Lịch giao lưu" in index and 'data-testid="sent">2<' in index
    show = client.get(f"{URL}/{announcement.id}").get_data(as_text=True)
    assert "2 người: 2 đã gửi, 0 không gửi được, 0 chưa gửi" in show
    job_page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Gửi thông báo" in job_page and "Đã gửi trong lần chạy này: 2" in job_page
    edition_page = client.get(f"/organizer/editions/{SLUG}").get_data(as_text=True)
    assert f'href="{URL}" data-testid="go-announcements"' in edition_page


def test_sending_is_refused_when_the_audience_changed_since_the_preview(
    client, login, season, outbox
):
    login(season["organizer"])
    _r, _p, count, confirmed = _preview(client, audience="drafts")
    assert count == 2
    season["d2"].code, season["d2"].status = "TTN-PM-009", "submitted"  # submitted meanwhile
    db.session.commit()
    response = client.post(
        f"{URL}/new",
        data={**_form(audience="drafts"), "action": "send", "confirmed_count": confirmed},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Số người nhận đã thay đổi từ 2 thành 1" in page
    assert 'data-count="1"' in page
    assert not db.session.scalars(select(Announcement)).all() and outbox == []
    # A confirmation made for another audience does not send either.
    response = client.post(
        f"{URL}/new",
        data={**_form(audience="judges"), "action": "send", "confirmed_count": confirmed},
    )
    assert "vui lòng xem lại số người nhận" in response.get_data(as_text=True)
    assert not db.session.scalars(select(Announcement)).all()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"subject": "  "}, "Vui lòng nhập thông tin này."),
        ({"body": ""}, "Vui lòng nhập thông tin này."),
        ({"subject": "x" * 201}, "Tối đa 200 ký tự."),
        ({"audience": "judges", "area": "A"}, "Giám khảo không gắn với địa bàn"),
        ({"audience": "moi-nguoi"}, "Vui lòng chọn người nhận trong danh sách."),
        ({"audience": "drafts", "area": "C"}, "Không có người nhận nào phù hợp"),
    ],
)
def test_bad_input_is_answered_in_vietnamese_and_keeps_the_text(
    client, login, season, values, message
):
    login(season["organizer"])
    if values.get("area"):
        values = {**values, "area": str(season[values["area"]].id)}
    response, page, count, _c = _preview(client, **values)
    page = unescape(page)
    assert message in page
    if "Không có người nhận" not in message:
        assert response.status_code == 400 and count is None
    assert "Ban Tổ chức mời các bạn dự buổi giao lưu." in page or values.get("body") == ""
    assert 'data-testid="send-button"' not in page


def _send(season, audience=Audience.ACCEPTED_AUTHORS, **filters) -> Announcement:
    announcement = operations.send(
        season["edition"], season["organizer"], audience, "Thông báo", "Nội dung", **filters
    )
    db.session.commit()  # not dispatched: the test runs the job itself
    return announcement


def _run(announcement: Announcement) -> Job:
    job = jobs.create_job(operations.SEND_KIND, {"announcement_id": announcement.id})
    db.session.commit()
    return jobs.run(job.id)


def test_a_job_run_again_writes_to_no_one_twice(season, outbox):
    announcement = _send(season, Audience.COORDINATORS)
    first = jobs.run(announcement.job_id)
    assert first.status == JobStatus.SUCCEEDED and (first.progress, first.total) == (4, 4)
    assert first.result["sent"] == 4
    assert len(outbox) == 4
    # A duplicated message of the same job is a no-op; a second job sends nothing.
    assert jobs.run(announcement.job_id).attempts == 1
    again = _run(announcement)
    assert again.status == JobStatus.SUCCEEDED
    assert (again.result["sent"], again.result["already_sent"]) == (0, 0)
    # Even with the recipients' rows back to pending, the sent-notification keys hold.
    db.session.execute(AnnouncementRecipient.__table__.update().values(status="pending"))
    db.session.commit()
    third = _run(announcement)
    assert (third.result["sent"], third.result["already_sent"]) == (0, 4)
    assert len(outbox) == 4
    keys = db.session.scalars(select(SentNotification.key).order_by(SentNotification.key)).all()
    assert keys == sorted(f"announcement:{announcement.id}:{e}" for e in (
        "ca@example.vn", "ca1@example.vn", "cb@example.vn", "cp@example.vn"))  # fmt: skip


@pytest.fixture()
def failing_delivery(monkeypatch):
    """``fail(refused=..., down_after=...)``: the mail server refuses some addresses, or goes
    away after delivering ``down_after`` messages."""
    real = notifications.deliver
    state = {"refused": set(), "down_after": None, "delivered": 0}

    def deliver(msg):
        if msg["To"] in state["refused"]:
            raise smtplib.SMTPRecipientsRefused({msg["To"]: (550, b"no such user")})
        if state["down_after"] is not None and state["delivered"] >= state["down_after"]:
            raise smtplib.SMTPServerDisconnected("connection lost")
        state["delivered"] += 1
        real(msg)

    monkeypatch.setattr(notifications, "deliver", deliver)

    def fail(refused=(), down_after=None):
        state.update(refused=set(refused), down_after=down_after, delivered=0)

    return fail


def test_refused_addresses_are_marked_and_a_resumed_sending_writes_only_to_them(
    client, login, season, outbox, failing_delivery
):
    announcement = _send(season, Audience.ALL_COORDINATORS)  # 5 coordinators
    failing_delivery(refused={"cb@example.vn", "cp@example.vn"})
    job = jobs.run(announcement.job_id)
    assert job.status == JobStatus.FAILED
    assert "2 thư bị máy chủ thư từ chối (3 thư đã gửi)" in job.error_summary
    assert job.progress == 5
    statuses = _recipients(announcement.id)
    assert sorted(e for e, s in statuses.items() if s == "failed") == [
        "cb@example.vn", "cp@example.vn"]  # fmt: skip
    assert sorted(m["To"] for m in outbox) == ["ca1@example.vn", "ca@example.vn", "cc@example.vn"]

    login(season["organizer"])
    show = client.get(f"{URL}/{announcement.id}").get_data(as_text=True)
    assert "5 người: 3 đã gửi, 2 không gửi được, 0 chưa gửi" in show
    assert "Gửi tiếp tới 2 người còn lại" in show
    failing_delivery()  # the server accepts them now
    response = client.post(f"{URL}/{announcement.id}/resume")
    assert response.status_code == 302
    assert sorted(m["To"] for m in outbox) == sorted(
        ["ca1@example.vn", "ca@example.vn", "cc@example.vn", "cb@example.vn", "cp@example.vn"]
    )
    assert set(_recipients(announcement.id).values()) == {"sent"}
    db.session.refresh(announcement)
    assert announcement.job_id != job.id
    assert db.session.get(Job, announcement.job_id).status == JobStatus.SUCCEEDED
    # Nothing is left: resuming again is refused with a message.
    response = client.post(f"{URL}/{announcement.id}/resume", follow_redirects=True)
    assert "Thông báo đã được gửi tới mọi người nhận." in response.get_data(as_text=True)
    assert len(outbox) == 5
    assert db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("announcement.%"))
    ).all() == ["announcement.send", "announcement.resume"]


def test_a_sending_stopped_by_the_mail_server_midway_resumes_with_the_rest(
    season, outbox, failing_delivery
):
    announcement = _send(season, Audience.ALL_COORDINATORS)
    failing_delivery(down_after=2)
    job = jobs.run(announcement.job_id)
    assert job.status == JobStatus.FAILED and "Dừng gửi sau 2 thư" in job.error_summary
    statuses = _recipients(announcement.id)
    assert sorted(statuses.values()) == ["pending", "pending", "pending", "sent", "sent"]
    first = {m["To"] for m in outbox}
    failing_delivery()
    operations.resume(announcement, season["organizer"])
    jobs.commit()  # dispatched (in-process here) after the commit
    assert set(_recipients(announcement.id).values()) == {"sent"}
    tos = [m["To"] for m in outbox]
    assert len(tos) == len(set(tos)) == 5 and first <= set(tos)
