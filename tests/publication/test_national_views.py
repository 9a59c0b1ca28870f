"""National selection pages: the table with reasons, warnings and forms; add / remove / undo
/ national result through the forms (refusals re-render the page with the message and store
nothing); the dossier button → job progress page → ZIP download; phone layout."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import func, select

from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.jobs.models import Job
from contest.national import selection as national
from contest.national.models import NationalChoice, NationalResult
from tests.publication.national_helpers import entry_id, published_edition

URL = "/organizer/national/stkt-review"


@pytest.fixture()
def app(make_app, tmp_path):
    app = make_app(UPLOAD_DIR=str(tmp_path / "uploads"))
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture()
def organizer(users):
    return users["organizer"]


@pytest.fixture()
def edition(runner, tmp_path, organizer, login):
    edition = published_edition(runner, tmp_path, organizer)
    login(organizer)
    return edition


def _stored() -> tuple[int, int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count(NationalChoice.id))),
        db.session.scalar(select(func.count(NationalResult.id))),
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action.like("national.%"))
        ),
    )


def _item_codes(html: str, section: str = "selected") -> list[str]:
    part = html.split(f'data-testid="{section}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'data-testid="item-([A-Z0-9]+)"', part)


def test_page_shows_the_proposal_with_reasons_and_forms(client, edition):
    response = client.get(URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _item_codes(html) == ["B1", "A1", "A2", "A3"]
    assert "Đề xuất #1" in html and "Đề xuất #4" in html
    assert 'data-testid="selected-count">4<' in html
    assert 'href="/organizer/editions/stkt-review/prizes"' in html  # where national_max lives
    assert 'data-testid="remove-form-B1"' in html and 'data-testid="result-form-B1"' in html
    assert "data-confirm=" in html  # removal asks for confirmation
    # the add form offers the other winners only
    add = html.split('data-testid="add-form"', 1)[1].split("</form>", 1)[0]
    offered = re.findall(r'<option value="(\d+)"', add)
    assert sorted(map(int, offered)) == sorted([entry_id("A4"), entry_id("A5")])
    assert 'data-testid="make-dossier"' in html and "warn-over" not in html


def test_no_national_max_says_so_and_links_to_the_settings(client, edition):
    edition.national_max = None
    db.session.commit()
    html = client.get(URL).get_data(as_text=True)
    assert 'data-testid="warn-no-max"' in html
    warning = html.split('data-testid="warn-no-max"', 1)[1].split("</div>", 1)[0]
    assert "/organizer/editions/stkt-review/prizes" in warning
    assert _item_codes(html) == [] and 'data-testid="empty"' in html
    assert re.search(r'data-testid="make-dossier"[^>]*disabled', html)


def test_page_without_publication(client, runner, tmp_path, login, users):
    from tests.publication.helpers import compiled_edition

    compiled_edition(runner, tmp_path)
    login(users["organizer"])
    html = client.get(URL).get_data(as_text=True)
    assert 'data-testid="no-publication"' in html


def test_add_remove_undo_through_the_forms(client, edition, organizer):
    response = client.post(
        f"{URL}/choose",
        data={"action": "include", "entry_id": entry_id("A5"), "reason": "Ứng dụng rộng"},
    )
    assert response.status_code == 302
    html = client.get(URL).get_data(as_text=True)
    assert _item_codes(html) == ["B1", "A1", "A2", "A3", "A5"]
    assert "Người dùng organizer bổ sung: Ứng dụng rộng" in html
    assert 'data-testid="warn-over"' in html  # 5 > 4, allowed with a warning
    assert 'data-testid="undo-form-A5"' in html

    client.post(
        f"{URL}/choose",
        data={"action": "exclude", "entry_id": entry_id("A2"), "reason": "Tác giả xin rút"},
    )
    html = client.get(URL).get_data(as_text=True)
    assert _item_codes(html) == ["B1", "A1", "A3", "A5"] and "warn-over" not in html
    removed = html.split('data-testid="removed-A2"', 1)[1].split("</li>", 1)[0]
    assert "Đề xuất #3" in removed and "Tác giả xin rút" in removed

    choice = national.active_choices(edition)[entry_id("A2")]
    response = client.post(f"{URL}/undo", data={"choice_id": choice.id, "reason": "Đã đồng ý"})
    assert response.status_code == 302
    html = client.get(URL).get_data(as_text=True)
    assert _item_codes(html) == ["B1", "A1", "A2", "A3", "A5"]
    history = html.split('data-testid="history"', 1)[1]
    assert "Đã hủy lúc" in history and "Đã đồng ý" in history


REFUSALS = [
    ("choose", {"action": "include", "entry_id": "A5", "reason": ""}, "Vui lòng nhập"),
    ("choose", {"action": "include", "entry_id": "", "reason": "Có"}, "Hãy chọn sản phẩm"),
    ("choose", {"action": "include", "entry_id": "B1", "reason": "Có"}, "đã có trong"),
    ("choose", {"action": "include", "entry_id": "A6", "reason": "Có"}, "đạt giải"),
    ("choose", {"action": "exclude", "entry_id": "A5", "reason": "Có"}, "không có trong"),
    ("choose", {"action": "delete", "entry_id": "A5", "reason": "Có"}, "không hợp lệ"),
    ("choose", {"action": "include", "entry_id": "x1", "reason": "Có"}, "không hợp lệ"),
    ("undo", {"choice_id": "999", "reason": "Có"}, "không còn hiệu lực"),
    ("undo", {"choice_id": "", "reason": "Có"}, "không hợp lệ"),
    ("result", {"entry_id": "A5", "result": "Giải Ba"}, "Chỉ ghi kết quả"),
    ("result", {"entry_id": "B1", "result": " "}, "Vui lòng nhập"),
    ("result", {"entry_id": "B1", "result": "x" * 201}, "Tối đa 200"),
]


def test_refused_forms_show_the_message_and_store_nothing(client, edition):
    before = _stored()
    for path, data, message in REFUSALS:
        data = {k: str(entry_id(v)) if k == "entry_id" and re.fullmatch(r"[AB]\d", v) else v
                for k, v in data.items()}  # fmt: skip
        response = client.post(f"{URL}/{path}", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, (path, data)
        errors = html.split('data-testid="form-errors"', 1)[1].split("</div>", 1)[0]
        assert message in errors, (path, data, errors)
        assert _stored() == before, (path, data)


def test_refused_removal_keeps_the_typed_reason_and_opens_its_form(client, edition):
    long_reason = "Lý do " + "x" * 2000
    response = client.post(
        f"{URL}/choose",
        data={"action": "exclude", "entry_id": entry_id("A1"), "reason": long_reason},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Tối đa 2000" in html
    item = html.split('data-testid="item-A1"', 1)[1].split("</li>", 1)[0]
    assert '<details class="flex-grow-1" open>' in item and long_reason in item


def test_national_result_form(client, edition):
    b1 = entry_id("B1")
    response = client.post(
        f"{URL}/result", data={"entry_id": b1, "result": "Giải Ba", "note": "QĐ 12/QĐ-BTC"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#entry-{b1}")
    html = client.get(URL).get_data(as_text=True)
    item = html.split('data-testid="item-B1"', 1)[1].split("</li>", 1)[0]
    assert "<strong>Giải Ba</strong>" in item and "QĐ 12/QĐ-BTC" in item
    client.post(f"{URL}/result", data={"entry_id": b1, "result": "Giải Nhì", "note": ""})
    audits = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "national.result").order_by(AuditEntry.id)
    ).all()
    assert [a.details["after"]["result"] for a in audits] == ["Giải Ba", "Giải Nhì"]
    assert audits[1].details["before"] == {"result": "Giải Ba", "note": "QĐ 12/QĐ-BTC"}


def test_dossier_button_job_page_and_download(client, edition):
    response = client.post(f"{URL}/dossier")
    assert response.status_code == 302
    job_url = response.headers["Location"]
    job_id = int(re.search(r"/jobs/(\d+)", job_url).group(1))
    page = client.get(job_url).get_data(as_text=True)
    assert 'data-testid="job-progress"' in page and 'data-testid="dossier-result"' in page
    download = f"{URL}/dossier/{job_id}.zip"
    assert download in page
    response = client.get(download)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()  # the file stream is closed as a WSGI server closes it
    assert any(n.startswith("01_B1_") for n in archive.namelist())
    assert "job.start" in {a.action for a in db.session.scalars(select(AuditEntry))}
    # the national page lists it with its download link
    html = client.get(URL).get_data(as_text=True)
    assert f'data-testid="download-{job_id}"' in html
    # another edition's slug, or a job that is not a dossier: 404
    other = db.session.scalar(select(Job.id).where(Job.kind != "national.dossier"))
    if other is not None:
        assert client.get(f"{URL}/dossier/{other}.zip").status_code == 404
    assert client.get(f"{URL}/dossier/999999.zip").status_code == 404
    assert client.get(f"/organizer/national/khong-co/dossier/{job_id}.zip").status_code == 404


def test_dossier_refused_when_the_list_is_empty(client, edition):
    edition.national_max = None
    db.session.commit()
    response = client.post(f"{URL}/dossier")
    assert response.status_code == 400
    assert "đang trống" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Job.id)).where(Job.kind == "national.dossier")) == 0


def test_unknown_edition_is_404_and_the_edition_page_links_here(client, edition):
    assert client.get("/organizer/national/khong-co").status_code == 404
    html = client.get("/organizer/editions/stkt-review").get_data(as_text=True)
    assert f'href="{URL}" data-testid="go-national"' in html
