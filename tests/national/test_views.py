"""The one-step same-instance path through the national-selection page, the arrivals page of
the national edition, and who may use them (organizers only)."""

from __future__ import annotations

import pytest

from contest.contests.national_flag import is_national
from contest.extensions import db
from tests.national.helpers import (
    SELECTED,
    arrival_count,
    national_edition,
    national_entries,
    province,
    provincial,
    stored_keys,
)
from tests.publication.helpers import SLUG


@pytest.fixture()
def app(make_app, tmp_path, monkeypatch):
    # No NATIONAL_PACKAGE_KEY: on one instance the package is signed with a derived key.
    monkeypatch.delenv("NATIONAL_PACKAGE_KEY", raising=False)
    app = make_app(UPLOAD_DIR=str(tmp_path / "uploads"))
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture()
def organizer(users):
    return users["organizer"]


@pytest.fixture()
def source(runner, tmp_path, organizer):
    province()
    return provincial(runner, tmp_path, organizer)


@pytest.fixture()
def target(runner, tmp_path, source):
    return national_edition(runner, tmp_path)


def test_send_in_one_step_then_see_arrivals(client, login, organizer, source, target):
    login(organizer)
    page = client.get(f"/organizer/national/{SLUG}").get_data(as_text=True)
    assert "Gửi sang lần thi toàn quốc" in page
    assert f'<option value="{target.id}">{target.title}</option>' in page
    assert 'for="send-target"' in page

    response = client.post(f"/organizer/national-intake/send/{SLUG}", data={"target": target.id})
    assert response.status_code == 302
    assert "4 sản phẩm mới" in client.get(response.headers["Location"]).get_data(as_text=True)
    entries = national_entries(target)
    assert sorted(e.code for e in entries) == sorted(f"08-{c}" for c in SELECTED)
    assert all(e.status == "received" for e in entries)

    national_page = client.get(f"/organizer/national/{target.slug}").get_data(as_text=True)
    assert f'href="/organizer/national-intake/{target.slug}"' in national_page
    arrivals = client.get(f"/organizer/national-intake/{target.slug}")
    html = arrivals.get_data(as_text=True)
    assert arrivals.status_code == 200
    assert "Tuyên Quang" in html and "08-B1" in html and "Giải Nhất" in html
    assert "2/2 tệp" in html  # B1's files all arrived
    assert SLUG not in html  # no slug shown

    # Sending again: nothing new, nothing duplicated.
    keys = stored_keys()
    response = client.post(f"/organizer/national-intake/send/{SLUG}", data={"target": target.id})
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "0 sản phẩm mới, 0 cập nhật, 4 không đổi" in follow
    assert arrival_count() == 4 and stored_keys() == keys


def test_send_refuses_a_provincial_target(client, login, organizer, source, target, runner):
    login(organizer)
    response = client.post(f"/organizer/national-intake/send/{SLUG}", data={"target": source.id})
    assert response.status_code == 302
    assert "Không gửi được" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert arrival_count() == 0


def test_arrivals_page_is_404_for_a_provincial_edition(client, login, organizer, source):
    login(organizer)
    assert not is_national(source)
    assert client.get(f"/organizer/national-intake/{SLUG}").status_code == 404


@pytest.mark.parametrize("role", ["entrant", "judge", "coordinator"])
def test_only_organizers(client, login, users, source, target, role):
    login(users[role])
    assert client.get(f"/organizer/national-intake/{target.slug}").status_code == 403
    response = client.post(f"/organizer/national-intake/send/{SLUG}", data={"target": target.id})
    assert response.status_code == 403
    assert arrival_count() == 0


def test_anonymous_goes_to_login(client, source, target):
    response = client.post(f"/organizer/national-intake/send/{SLUG}", data={"target": target.id})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert arrival_count() == 0


def test_the_send_is_a_job_whose_page_says_what_arrived(client, login, organizer, source, target):
    from contest.jobs.models import Job

    login(organizer)
    response = client.post(f"/organizer/national-intake/send/{SLUG}", data={"target": target.id})
    job = db.session.scalars(db.select(Job).where(Job.kind == "national.send")).one()
    assert response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert job.status == "succeeded" and job.params == {
        "source_id": source.id,
        "target_id": target.id,
    }
    assert job.result["created"] == 4 and job.result["province"] == "Tuyên Quang"
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'data-testid="national-send-result"' in page and "4 sản phẩm mới" in page


def test_a_send_whose_package_is_refused_says_why_and_writes_nothing(
    client, login, organizer, source, target
):
    from contest.areas.models import Area
    from contest.jobs.models import Job

    province = db.session.scalars(
        db.select(Area).where(Area.parent_id.is_(None), Area.name == "Tuyên Quang")
    ).one()
    province.code = ""  # a province made by hand: no official code, no package
    db.session.commit()
    login(organizer)
    client.post(f"/organizer/national-intake/send/{SLUG}", data={"target": target.id})
    job = db.session.scalars(db.select(Job).where(Job.kind == "national.send")).one()
    assert job.status == "succeeded" and "mã" in job.result["refused"]
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'data-testid="national-send-refused"' in page
    assert arrival_count() == 0
