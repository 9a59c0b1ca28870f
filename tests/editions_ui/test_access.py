"""Who sees which edition page: every organizer page renders for organizers (and admins),
other roles get 403, anonymous users are sent to the login page; public pages need no login
and a draft is not public."""

from __future__ import annotations

import pytest

from contest.accounts.models import Role

ORGANIZER_PAGES = (
    "/organizer/editions/",
    "/organizer/editions/?q=tuy%C3%AAn",
    "/organizer/editions/new",
    "/organizer/editions/{slug}",
    "/organizer/editions/{slug}/general",
    "/organizer/editions/{slug}/eligibility",
    "/organizer/editions/{slug}/fields",
    "/organizer/editions/{slug}/boards",
    "/organizer/editions/{slug}/criteria",
    "/organizer/editions/{slug}/criteria/novelty/retire",
    "/organizer/editions/{slug}/rounds",
    "/organizer/editions/{slug}/prizes",
    "/organizer/editions/{slug}/extensions",
    "/organizer/editions/{slug}/clone",
    "/organizer/editions/{slug}/audit",
    "/organizer/editions/{slug}/export.json",
)

POST_ENDPOINTS = (
    "/organizer/editions/new",
    "/organizer/editions/import",
    "/organizer/editions/{slug}/general",
    "/organizer/editions/{slug}/criteria",
    "/organizer/editions/{slug}/criteria/novelty/retire",
    "/organizer/editions/{slug}/extensions",
    "/organizer/editions/{slug}/clone",
    "/organizer/editions/{slug}/rules-document",
    "/organizer/editions/{slug}/rules-document/delete",
)


@pytest.mark.parametrize("path", ORGANIZER_PAGES)
@pytest.mark.parametrize("edition_fixture", ["open_edition", "draft_edition", "judging_edition"])
def test_every_organizer_page_renders(client, organizer, request, path, edition_fixture):
    edition = request.getfixturevalue(edition_fixture)
    response = client.get(path.format(slug=edition.slug))
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]


def test_admins_hold_organizer_rights(client, login, users, open_edition):
    login(users["admin"])
    assert client.get(f"/organizer/editions/{open_edition.slug}/criteria").status_code == 200


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.JUDGE, Role.ENTRANT])
def test_other_roles_get_403_everywhere(client, login, users, open_edition, role):
    login(users[role.value])
    for path in ORGANIZER_PAGES:
        assert client.get(path.format(slug=open_edition.slug)).status_code == 403, path
    for path in POST_ENDPOINTS:
        assert client.post(path.format(slug=open_edition.slug), data={}).status_code == 403, path


def test_anonymous_users_are_sent_to_the_login_page(client, open_edition):
    response = client.get(f"/organizer/editions/{open_edition.slug}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.post(f"/organizer/editions/{open_edition.slug}/general").status_code == 302


def test_unknown_edition_is_404(client, organizer):
    assert client.get("/organizer/editions/khong-co").status_code == 404
    assert client.get("/organizer/editions/khong-co/criteria").status_code == 404


def test_public_pages_need_no_login(client, open_edition, judging_edition):
    listing = client.get("/editions/")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert open_edition.title in html and judging_edition.title in html
    assert client.get(f"/editions/{open_edition.slug}").status_code == 200
    assert client.get(f"/editions/{judging_edition.slug}").status_code == 200


def test_a_draft_is_not_public(client, draft_edition, organizer):
    assert client.get(f"/editions/{draft_edition.slug}").status_code == 404
    assert client.get(f"/editions/{draft_edition.slug}/the-le.pdf").status_code == 404
    assert draft_edition.title not in client.get("/editions/").get_data(as_text=True)
    # even for an organizer, the public address of a draft does not exist
    page = client.get(f"/organizer/editions/{draft_edition.slug}").get_data(as_text=True)
    assert 'data-testid="draft-note"' in page
    assert f'href="/editions/{draft_edition.slug}"' not in page


def test_navigation_links(client, users, login, open_edition):
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="nav-public-editions"' in html
    assert 'href="/editions/"' in html
    assert 'data-testid="nav-editions"' not in html
    login(users["organizer"])
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="nav-editions"' in html and 'href="/organizer/editions/"' in html


def test_organizer_list_search_and_pagination(app, client, organizer, open_edition, draft_edition):
    html = client.get("/organizer/editions/?q=nh%C3%A1p").get_data(as_text=True)
    assert draft_edition.title in html and open_edition.title not in html
    assert 'data-phase="draft"' in html
    html = client.get("/organizer/editions/?q=100%25").get_data(as_text=True)
    assert 'data-testid="no-results"' in html
    app.config["PER_PAGE"] = 1
    first = client.get("/organizer/editions/").get_data(as_text=True)
    second = client.get("/organizer/editions/?page=2").get_data(as_text=True)
    assert first.count("<tr data-slug=") == 1 and second.count("<tr data-slug=") == 1
    assert 'data-testid="pagination"' in first
    # the latest deadline first: the draft closes later than the open edition
    assert draft_edition.slug in first and open_edition.slug in second


def test_export_downloads_the_definition(client, organizer, open_edition):
    from contest.contests.definition import export_edition

    response = client.get(f"/organizer/editions/{open_edition.slug}/export.json")
    assert response.mimetype == "application/json"
    assert (
        response.headers["Content-Disposition"] == f"attachment; filename={open_edition.slug}.json"
    )
    assert response.get_data(as_text=True) == export_edition(open_edition)


def test_pages_render_in_english_too(client, organizer, open_edition):
    client.post("/lang/en", data={"next": "/"})
    for path in ORGANIZER_PAGES[:-1]:
        assert client.get(path.format(slug=open_edition.slug)).status_code == 200, path
    html = client.get(f"/editions/{open_edition.slug}").get_data(as_text=True)
    assert '<html lang="en">' in html
