"""The organizer's document scan page (contest/judging/views_organizer_scan.py) through the
test client: starting a scan (CSRF-protected POST, the job runs in-process), the findings
grouped by entry with page and highlighted snippet, the statement that pictures and scanned
pages are not read, the hint once judging has started, deciding a finding (audited), and who
may use the page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.accounts.models import Role
from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.jobs.models import Job
from contest.judging.doc_scan_tasks import KIND
from contest.judging.models_scan import DocumentFinding
from tests import factories
from tests.accounts.helpers import csrf_token_from
from tests.judging import doc_scan_files as files
from tests.judging.conftest import DEADLINE, local, make_entry

AUTHOR = "Nguyễn Thị Kín"
TEXT = f"Tác giả: em {AUTHOR}, học sinh lớp 11A2 Trường THPT Hàm Yên."


@pytest.fixture()
def entry(edition, places):
    entry = make_entry(edition, "STKT-CNTT-001", authors=(AUTHOR,), unit=places["school"])
    files.attach(
        entry, files.pdf(["Mở đầu.", TEXT, None]), files.PDF, "description", "thuyet-minh.pdf"
    )
    return entry


def _url(edition, tail: str = "") -> str:
    return f"/organizer/judging/{edition.slug}/scan{tail}"


def _start(client, edition, **data):
    return client.post(_url(edition, "/start"), data=data)


def _findings() -> list[DocumentFinding]:
    return db.session.scalars(select(DocumentFinding).order_by(DocumentFinding.start)).all()


def test_starting_a_scan_lists_findings_by_entry_with_page_and_snippet(
    client, login, edition, organizer, entry
):
    login(organizer)
    page = client.get(_url(edition))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ảnh và trang scan không được đọc." in html and 'data-testid="scan-job"' not in html

    response = _start(client, edition)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        _url(edition) + "?round=final"
    )
    job = db.session.scalars(select(Job).where(Job.kind == KIND)).one()
    assert job.status == "succeeded", job.error
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "job.start")).one()
    assert audit.details == {"kind": KIND, "edition": edition.slug}

    job_page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Quét tên trong tài liệu đính kèm" in job_page  # the kind's label, not its key
    assert 'data-testid="scan-result"' in job_page and "unread_pages" not in job_page
    assert f'href="{_url(edition)}"' in job_page

    html = client.get(_url(edition)).get_data(as_text=True)
    assert f'href="/jobs/{job.id}"' in html and 'data-testid="job-progress"' in html
    assert 'data-testid="scan-entry-STKT-CNTT-001"' in html
    assert f"<mark>{AUTHOR}</mark>, học sinh lớp 11A2" in html
    assert "<mark>Trường THPT Hàm Yên</mark>" in html
    assert 'data-testid="finding-page">2<' in html
    assert "Trang không đọc được (ảnh hoặc trang scan, hãy tự kiểm tra): 3" in html
    attachment = entry.attachments[0]
    assert f'href="/my/entries/{entry.id}/files#attachments-description"' in html
    assert f'href="/attachments/{attachment.id}"' in html
    assert "Ảnh và trang scan không được đọc." in html
    # The tab on the other judging pages leads here.
    panels = client.get(f"/organizer/judging/{edition.slug}/").get_data(as_text=True)
    assert 'data-testid="tab-scan"' in panels and _url(edition) in panels


def test_the_page_hints_to_scan_before_judging_opens(client, login, edition, organizer, entry):
    login(organizer)
    # The fixture's judging window (August 2026) has started.
    assert 'data-testid="scan-judging-started"' in client.get(_url(edition)).get_data(True)
    edition.judging_starts_at = local(2099, 8, 5, 8, 0)
    edition.judging_ends_at = local(2099, 8, 31, 17, 0)
    db.session.commit()
    assert 'data-testid="scan-judging-started"' not in client.get(_url(edition)).get_data(True)


def test_a_finding_is_marked_accepted_or_fixed_and_audited(
    client, login, edition, organizer, entry
):
    login(organizer)
    _start(client, edition)
    author, school = _findings()
    url = _url(edition, f"/findings/{author.id}")

    response = client.post(url, data={"status": "accepted"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{_url(edition)}?round=final#entry-{entry.id}")
    db.session.expire_all()
    assert author.status == "accepted" and author.decided_by_id == organizer.id
    html = client.get(_url(edition)).get_data(as_text=True)
    assert "Chấp nhận giữ nguyên<br>" in html and organizer.display_name in html

    client.post(_url(edition, f"/findings/{school.id}"), data={"status": "fixed"})
    db.session.expire_all()
    assert school.status == "fixed"
    audits = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "judging.scan_finding")
        .order_by(AuditEntry.id)
    ).all()
    assert [(a.details["finding_id"], a.details["new"]) for a in audits] == [
        (author.id, "accepted"),
        (school.id, "fixed"),
    ]

    # A wrong status is refused with a message and changes nothing.
    response = client.post(url, data={"status": "xoá"}, follow_redirects=True)
    assert "Trạng thái xử lý không hợp lệ." in response.get_data(as_text=True)
    db.session.expire_all()
    assert author.status == "accepted"


def test_a_finding_of_another_edition_is_not_found(client, login, edition, organizer, entry):
    other = factories.make_edition(
        "technical", "stkt-2027", "Hội thi STKT 2027", DEADLINE, organizer
    )
    login(organizer)
    _start(client, edition)
    finding = _findings()[0]
    response = client.post(_url(other, f"/findings/{finding.id}"), data={"status": "fixed"})
    assert response.status_code == 404
    db.session.expire_all()
    assert finding.status == "open"


def test_starting_and_deciding_need_the_form_token(app, client, login, edition, organizer, entry):
    login(organizer)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert _start(client, edition).status_code == 400
        assert db.session.scalars(select(Job).where(Job.kind == KIND)).all() == []
        token = csrf_token_from(client.get(_url(edition)).get_data(as_text=True))
        assert _start(client, edition, csrf_token=token).status_code == 302
        finding = _findings()[0]
        url = _url(edition, f"/findings/{finding.id}")
        assert client.post(url, data={"status": "fixed"}).status_code == 400
        db.session.expire_all()
        assert finding.status == "open"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_second_scan_is_refused_while_one_runs(client, login, edition, organizer, entry):
    from contest.jobs.operations import create_job

    create_job(KIND, {"edition_id": edition.id}, user=organizer)
    db.session.commit()  # pending, never dispatched
    login(organizer)
    response = _start(client, edition)
    assert response.status_code == 302
    html = client.get(_url(edition)).get_data(as_text=True)
    assert "đang chạy; hãy chờ nó xong" in html
    assert len(db.session.scalars(select(Job).where(Job.kind == KIND)).all()) == 1


@pytest.mark.parametrize("role", [Role.JUDGE, Role.ENTRANT, Role.COORDINATOR])
def test_only_organizers_use_the_page(client, login, edition, entry, role):
    user = factories.make_user(f"{role}@example.vn", (role,))
    assert client.get(_url(edition)).status_code == 302  # anonymous: to the login page
    login(user)
    assert client.get(_url(edition)).status_code == 403
    assert _start(client, edition).status_code == 403
    assert db.session.scalars(select(Job).where(Job.kind == KIND)).all() == []
