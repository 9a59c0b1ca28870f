"""Job pages, their permissions, the JSON endpoint and the self-check button."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.jobs.models import Job, JobStatus
from contest.timeutil import format_local
from tests import factories
from tests.jobs.helpers import add_job, reload, sign_in
from tests.services import port_free


@pytest.fixture()
def entrant_job(users):
    """A failed mail job created by the entrant."""
    return add_job(
        "mail.send",
        created_by_id=users["entrant"].id,
        status="failed",
        progress=1,
        total=4,
        error='Traceback (most recent call last):\n  File "x.py"\nSMTPError: máy chủ từ chối',
    )


# --- /jobs/ -------------------------------------------------------------------------------


def test_index_requires_an_organizer(client, users, sign_in):
    response = client.get("/jobs/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for role in ("entrant", "judge", "coordinator"):
        sign_in(users[role])
        assert client.get("/jobs/").status_code == 403
    for role in ("organizer", "admin"):
        sign_in(users[role])
        assert client.get("/jobs/").status_code == 200


def test_index_lists_jobs_in_vietnamese_with_creator_and_local_time(
    client, users, sign_in, entrant_job
):
    ours = add_job(
        "system.selfcheck",
        created_by_id=users["organizer"].id,
        status="succeeded",
        progress=4,
        total=4,
    )
    sign_in(users["organizer"])
    html = client.get("/jobs/").get_data(as_text=True)
    assert "Kiểm tra hệ thống" in html and "Gửi e-mail" in html  # kind labels
    assert "Thất bại" in html and "Hoàn thành" in html  # status labels
    assert users["entrant"].display_name in html
    assert format_local(reload(ours.id).created_at) in html  # Asia/Ho_Chi_Minh
    assert f'href="/jobs/{ours.id}"' in html and f'href="/jobs/{entrant_job.id}"' in html
    assert 'action="/jobs/selfcheck"' in html


def test_index_paginates_and_filters_by_status(app, client, users, sign_in):
    app.config["PER_PAGE"] = 2
    ids = [add_job(status=s).id for s in ("failed", "succeeded", "succeeded")]
    sign_in(users["organizer"])

    def listed(url):
        html = client.get(url).get_data(as_text=True)
        return [int(i) for i in re.findall(r'data-job-id="(\d+)"', html)], html

    first, html = listed("/jobs/")
    assert first == [ids[2], ids[1]]  # newest first
    assert "/jobs/?page=2" in html
    assert listed("/jobs/?page=2")[0] == [ids[0]]
    assert listed("/jobs/?status=failed")[0] == [ids[0]]
    assert listed("/jobs/?status=nonsense")[0] == [ids[2], ids[1]]  # ignored
    assert listed("/jobs/?page=99")[0] == [ids[0]]  # clamped to the last page


# --- /jobs/<id> and /jobs/<id>.json --------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", ".json"])
def test_job_is_visible_to_its_creator_and_organizers_only(
    client, users, sign_in, entrant_job, suffix
):
    url = f"/jobs/{entrant_job.id}{suffix}"
    anonymous = client.get(url)
    if suffix:
        assert anonymous.status_code == 401 and anonymous.is_json
    else:
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    for role, expected in [
        ("entrant", 200),
        ("organizer", 200),
        ("admin", 200),
        ("judge", 403),
        ("coordinator", 403),
    ]:
        sign_in(users[role])
        assert client.get(url).status_code == expected, role
    other_entrant = factories.make_user(email="khac@example.vn")
    sign_in(other_entrant)
    assert client.get(url).status_code == 403
    assert client.get(f"/jobs/999999{suffix}").status_code == 404


def test_status_json(client, users, sign_in):
    job = add_job(
        created_by_id=users["organizer"].id,
        status="running",
        progress=1,
        total=4,
        message="Đang đếm dữ liệu…",
    )
    sign_in(users["organizer"])
    response = client.get(f"/jobs/{job.id}.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert {k: data[k] for k in ("status", "progress", "total", "percent", "message", "done")} == {
        "status": "running",
        "progress": 1,
        "total": 4,
        "percent": 25,
        "message": "Đang đếm dữ liệu…",
        "done": False,
    }
    assert data["status_label"] == "Đang chạy" and data["error"] == ""


def test_status_json_of_a_failed_job_gives_the_error_summary(client, users, sign_in, entrant_job):
    sign_in(users["entrant"])
    data = client.get(f"/jobs/{entrant_job.id}.json").get_json()
    assert data["done"] is True and data["status"] == "failed" and data["percent"] == 25
    assert data["error"] == "SMTPError: máy chủ từ chối"
    assert "Traceback" not in str(data)


def test_status_json_errors_are_json_for_the_poller(client, users, sign_in):
    sign_in(users["judge"])
    response = client.get("/jobs/999999.json", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.is_json


def test_job_page_has_the_progress_component_and_no_inline_script(client, users, sign_in):
    job = add_job(created_by_id=users["organizer"].id, status="running", progress=3, total=4)
    sign_in(users["organizer"])
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "data-job-progress" in html
    assert f'data-status-url="/jobs/{job.id}.json"' in html
    assert 'data-percent="75"' in html and 'data-done="false"' in html
    assert 'data-reload-on-done="true"' in html
    assert 'role="progressbar"' in html and 'aria-valuenow="75"' in html
    assert "Đang chạy" in html
    assert "/static/js/progress.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # every script is a file
    assert " style=" not in html  # the CSP forbids inline styles; the script sizes the bar


def test_progress_script_is_served(client):
    response = client.get("/static/js/progress.js")
    assert response.status_code == 200
    script = response.get_data(as_text=True)
    assert "data-job-progress" in script and "statusUrl" in script and "1000" in script
    response.close()


def test_failed_job_page_shows_the_summary_and_the_traceback_to_organizers_only(
    client, users, sign_in, entrant_job
):
    sign_in(users["entrant"])
    html = client.get(f"/jobs/{entrant_job.id}").get_data(as_text=True)
    assert "SMTPError: máy chủ từ chối" in html and "Traceback" not in html
    sign_in(users["organizer"])
    html = client.get(f"/jobs/{entrant_job.id}").get_data(as_text=True)
    assert "SMTPError: máy chủ từ chối" in html and "Traceback" in html


def test_pending_job_page_says_it_will_run(client, users, sign_in):
    job = add_job(created_by_id=users["organizer"].id)
    sign_in(users["organizer"])
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'data-testid="job-waiting"' in html and "Đang chờ" in html


# --- POST /jobs/selfcheck ---------------------------------------------------------------------


def test_selfcheck_runs_and_shows_its_result(client, users, sign_in):
    organizer = sign_in(users["organizer"])
    response = client.post("/jobs/selfcheck")
    assert response.status_code == 302
    job_id = int(re.fullmatch(r"/jobs/(\d+)", response.headers["Location"]).group(1))

    job = reload(job_id)
    assert job.kind == "system.selfcheck" and job.created_by_id == organizer.id
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["database"]["ok"] is True
    assert job.result["database"]["dialect"] == db.engine.dialect.name
    assert job.result["counts"]["users"] == len(users)
    assert job.result["jobs"]["by_status"]["running"] == 1  # itself
    assert (job.progress, job.total) == (4, 4)
    audit = db.session.execute(select(AuditEntry)).scalar_one()
    assert (audit.action, audit.object_id, audit.actor_id) == (
        "job.start",
        str(job_id),
        organizer.id,
    )

    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã bắt đầu kiểm tra hệ thống." in html  # flash
    assert 'data-testid="selfcheck-result"' in html and "Số bản ghi" in html
    assert 'data-done="true"' in html


def test_selfcheck_needs_an_organizer_and_a_post(client, users, sign_in):
    sign_in(users["entrant"])
    assert client.post("/jobs/selfcheck").status_code == 403
    sign_in(users["organizer"])
    assert client.get("/jobs/selfcheck").status_code == 405
    assert db.session.scalar(select(Job.id)) is None


def test_selfcheck_post_checks_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        sign_in(client, factories.make_user(email="btc@example.vn", roles=("organizer",)))
        assert client.post("/jobs/selfcheck").status_code == 400
        assert db.session.scalar(select(Job.id)) is None

        page = client.get("/jobs/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page
        )
        response = client.post("/jobs/selfcheck", data={"csrf_token": token.group(1)})
        assert response.status_code == 302
        assert reload(db.session.scalar(select(Job.id))).status == JobStatus.SUCCEEDED
        db.session.remove()


def test_selfcheck_with_the_broker_down_keeps_the_action(make_app):
    """The user's action never depends on the broker: the job row is committed, the page
    answers at once, and the job waits (pending) for the sweeper."""
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{port_free()}/0", CELERY_TASK_ALWAYS_EAGER=False)
    client = app.test_client()
    with app.app_context():
        sign_in(client, factories.make_user(email="btc@example.vn", roles=("organizer",)))
        started = time.monotonic()
        response = client.post("/jobs/selfcheck")
        elapsed = time.monotonic() - started
        assert response.status_code == 302
        job = reload(db.session.scalar(select(Job.id)))
        assert job.status == JobStatus.PENDING and job.enqueue_count == 1
        assert client.get(response.headers["Location"]).status_code == 200
        db.session.remove()
    assert elapsed < 1.5, f"the action took {elapsed:.2f} s with the broker down"
