"""The UI shell: navigation by role, role home pages, local assets, phone-friendly markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contest.areas import operations as area_ops
from contest.extensions import db
from contest.navigation import NAV

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"

ORGANIZER_LINKS = ("nav-organizer", "nav-areas", "nav-invite", "nav-jobs")
ROLE_LINKS = {
    "admin": ORGANIZER_LINKS,
    "organizer": ORGANIZER_LINKS,
    "coordinator": ("nav-coordinator",),
    "judge": ("nav-judge",),
    "entrant": ("nav-entrant",),
}


def nav_testids(html: str) -> set[str]:
    """The data-testid values inside the navigation link list."""
    start = html.index(">", html.index('data-testid="nav-links"'))
    block = html[start : html.index('data-testid="nav-aux"', start)]
    return set(re.findall(r'data-testid="([\w-]+)"', block))


def test_every_nav_endpoint_exists(app):
    for item in NAV:
        assert item.endpoint in app.view_functions, item.endpoint


def test_anonymous_nav_has_only_public_links_and_login(client):
    html = client.get("/").get_data(as_text=True)
    assert nav_testids(html) == {item.testid for item in NAV if not item.roles}
    assert 'data-testid="nav-login"' in html and 'data-testid="nav-register"' in html
    assert 'data-testid="logout"' not in html


def links_closed_to(role: str) -> set[str]:
    """The nav links whose roles do not include ``role`` (admins count as organizers)."""
    held = {role, "organizer"} if role == "admin" else {role}
    return {item.testid for item in NAV if item.roles and not held & set(map(str, item.roles))}


@pytest.mark.parametrize("role", list(ROLE_LINKS))
def test_nav_shows_the_links_of_the_role(client, login, users, role):
    login(users[role])
    html = client.get("/").get_data(as_text=True)
    shown = nav_testids(html)
    assert set(ROLE_LINKS[role]) <= shown
    assert not links_closed_to(role) & shown
    assert 'data-testid="logout"' in html and 'data-testid="nav-profile"' in html
    assert 'data-testid="nav-login"' not in html


def test_active_link_is_the_deepest_match(client, login, users):
    area_ops.seed_province()
    db.session.commit()
    login(users["organizer"])
    html = client.get("/organizer/areas/").get_data(as_text=True)
    links = {
        m.group("href"): m.group(0)
        for m in re.finditer(
            r'<a class="(?:nav-link|dropdown-item)[^"]*"[^>]*href="(?P<href>[^"]+)"[^>]*>', html
        )
    }
    assert 'aria-current="page"' in links["/organizer/areas/"]
    assert " active" in links["/organizer/areas/"]
    assert "active" not in links["/organizer/"]


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("organizer", "/organizer/"),
        ("admin", "/organizer/"),
        ("coordinator", "/coordinator/"),
        ("judge", "/judge/"),
        ("entrant", "/my/"),
    ],
)
def test_role_home_has_its_heading_and_home_redirects_there(client, login, users, role, path):
    login(users[role])
    response = client.get("/home")
    assert response.status_code == 302 and response.location == path
    html = client.get(path).get_data(as_text=True)
    testid = "organizer" if role == "admin" else role
    assert re.search(rf'<h1[^>]*data-testid="home-{testid}"', html)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/organizer/", {"organizer", "admin"}),
        ("/coordinator/", {"coordinator"}),
        ("/judge/", {"judge"}),
        ("/my/", {"entrant"}),
    ],
)
def test_role_homes_are_closed_to_other_roles(client, login, users, path, allowed):
    assert client.get(path).status_code == 302  # anonymous: to the login page
    for role, user in users.items():
        login(user)
        expected = 200 if role in allowed else 403
        assert client.get(path).status_code == expected, (role, path)
        client.post("/logout")


def test_organizer_home_links_and_counts(client, login, users):
    from contest.areas.demo import seed_areas

    seed_areas()
    db.session.commit()
    login(users["organizer"])
    html = client.get("/organizer/").get_data(as_text=True)
    for endpoint_path in ('href="/organizer/areas/"', 'href="/jobs/"'):
        assert endpoint_path in html
    assert 'data-testid="link-invite"' in html
    assert re.search(r'data-role="judge"><td>Giám khảo</td><td class="text-end">1<', html)
    assert re.search(r'data-role="coordinator"><td>Điều phối viên địa bàn</td>', html)
    # users fixture: a province ("Tuyên Quang") and a district; the demo gives that province
    # its official code and its 124 communes and wards of 1 July 2025 (no districts).
    assert re.search(r'data-count="province"><td>[^<]+</td><td class="text-end">1<', html)
    assert re.search(r'data-count="district"><td>[^<]+</td><td class="text-end">1<', html)
    assert re.search(r'data-count="commune"><td>[^<]+</td><td class="text-end">124<', html)
    assert re.search(r'data-count="units"><td>[^<]+</td><td class="text-end">4<', html)


def test_coordinator_home_shows_the_area_and_its_units(client, login, users):
    from contest.areas.models import Area

    user = users["coordinator"]
    area = db.session.get(Area, user.coordinator_area_id())
    commune = area_ops.create_area("Xã Trung Môn", area, None)
    area_ops.create_unit(area, "Trường THCS Yên Sơn", "school", None)
    area_ops.create_unit(commune, "Trường Tiểu học Trung Môn", "school", None)
    db.session.commit()
    login(user)
    html = client.get("/coordinator/").get_data(as_text=True)
    assert "Điều phối viên: Yên Sơn" in html
    assert "Xã Trung Môn" in html
    assert "Trường THCS Yên Sơn" in html and "Trường Tiểu học Trung Môn" in html


@pytest.mark.parametrize("role", ["judge", "entrant"])
def test_judge_and_entrant_homes_welcome_and_link_the_profile(client, login, users, role):
    login(users[role])
    html = client.get("/judge/" if role == "judge" else "/my/").get_data(as_text=True)
    assert users[role].full_name in html
    assert "Bạn sẽ làm gì ở đây" in html
    assert 'href="/profile"' in html


def test_landing_page_calls_to_action(client, login, users):
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="cta-register"' in html and 'data-testid="cta-login"' in html
    login(users["judge"])
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="cta-home"' in html and 'data-testid="cta-register"' not in html


def test_flashed_messages_are_shown_once(client, app):
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Đã lưu."), ("error", "Có lỗi.")]
    html = client.get("/").get_data(as_text=True)
    assert "alert alert-success" in html and "Đã lưu." in html
    assert "alert alert-danger" in html and "Có lỗi." in html
    assert "Đã lưu." not in client.get("/").get_data(as_text=True)


# --- Assets and markup --------------------------------------------------------------------


def template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})


def test_bootstrap_is_served_by_the_app(client):
    html = client.get("/").get_data(as_text=True)
    for asset in (
        "/static/vendor/bootstrap/bootstrap.min.css",
        "/static/vendor/bootstrap/bootstrap.bundle.min.js",
        "/static/css/app.css",
        "/static/js/app.js",
    ):
        assert f'"{asset}"' in html
        response = client.get(asset)
        assert response.status_code == 200 and len(response.data) > 100, asset
        response.close()


def test_no_template_loads_anything_from_another_site():
    offenders = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".txt":  # e-mails may carry absolute links built by url_for
            text = re.sub(r"\{\{.*?\}\}", "", text)
        for pattern in ("http://", "https://", "//cdn", 'src="//', 'href="//'):
            if pattern in text:
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert offenders == []


def test_vendored_css_imports_nothing_remote():
    css = (ROOT / "contest/static/vendor/bootstrap/bootstrap.min.css").read_text()
    assert "@import" not in css
    assert not re.search(r"url\((['\"]?)(https?:)?//", css)


def test_no_inline_script_or_style_in_templates():
    """The CSP forbids inline scripts and styles: everything comes from static files."""
    offenders = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append(f"{path.name}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.name}: on* handler")
        if re.search(r"\sstyle\s*=", text) or "<style" in text:
            offenders.append(f"{path.name}: inline style")
    assert offenders == []


def test_every_table_scrolls_on_a_phone():
    """Each <table> sits inside a .table-responsive wrapper (tables scroll at 375 px).
    Templates rendered only to PDF (``*_pdf.html``) are printed on paper, not viewed on phones."""
    offenders = []
    for path in template_files():
        if path.stem.endswith("_pdf"):
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<table\b", text):
            before = text[max(0, match.start() - 300) : match.start()]
            if "table-responsive" not in before:
                offenders.append(
                    f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"
                )
    assert offenders == []


def test_layout_is_phone_first(client):
    html = client.get("/").get_data(as_text=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "navbar-expand-xl" in html and 'class="navbar-toggler"' in html
    assert 'data-bs-target="#mainnav"' in html and 'id="mainnav"' in html
