"""Error pages 403, 404 and 500 in Vietnamese, and in English when chosen."""

from __future__ import annotations

import pytest

from contest.extensions import db


@pytest.fixture()
def crashing_app(make_app):
    """An app with a page that raises, and exceptions handled as in production."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/test-only/crash")
    def crash():
        raise RuntimeError("boom")

    with app.app_context():
        yield app
        db.session.remove()


def page(response) -> str:
    return response.get_data(as_text=True)


def test_404_in_vietnamese(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    html = page(response)
    assert "Không tìm thấy trang" in html
    assert "Trang bạn tìm không tồn tại hoặc đã bị xoá." in html
    assert "Về trang chủ" in html
    assert 'data-code="404"' in html


def test_404_in_english(client):
    client.post("/lang/en")
    html = page(client.get("/no-such-page"))
    assert "Page not found" in html and "Go to the home page" in html
    assert "Không tìm thấy trang" not in html


def test_403_in_vietnamese_and_english(client, login, users):
    login(users["entrant"])
    response = client.get("/organizer/areas/")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in page(response)
    assert "Bạn không có quyền xem trang này." in page(response)
    client.post("/lang/en")
    response = client.get("/organizer/areas/")
    assert response.status_code == 403
    assert "Access denied" in page(response)
    assert "You do not have permission to view this page." in page(response)


def test_500_in_vietnamese_and_english(crashing_app):
    client = crashing_app.test_client()
    response = client.get("/test-only/crash")
    assert response.status_code == 500
    html = page(response)
    assert "Lỗi hệ thống" in html
    assert "Dữ liệu của bạn không bị mất" in html
    assert "boom" not in html and "Traceback" not in html
    client.post("/lang/en")
    html = page(client.get("/test-only/crash"))
    assert "System error" in html and "Your data has not been lost" in html


def test_error_pages_keep_the_layout(client):
    html = page(client.get("/khong-co"))
    assert 'name="viewport"' in html and "navbar" in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html


def test_api_clients_get_json_errors(client):
    response = client.get("/khong-co", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"] == "Không tìm thấy trang"
