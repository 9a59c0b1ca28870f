"""The judge's file routes: an attachment of an entry the judge may judge now, under its blind
name, as a download that a browser will not run; 404 for every other judge and for a judge in
conflict; never through ``/attachments/<id>``."""

from __future__ import annotations

from contest.entries.attachment_demo import add_sample_files
from contest.extensions import db
from contest.judging.blind import judge_view
from contest.judging.conflicts import declare_conflict
from tests.judging_ui import judge_fixtures

judges = judge_fixtures.judges
open_edition = judge_fixtures.open_edition
assigned = judge_fixtures.assigned


def _files(entry):
    """Sample files of every required kind, named after the author; those judges may see."""
    for attachment in add_sample_files(entry):
        attachment.original_name = f"Nguyễn Thị Kín - {attachment.kind}.bin"
    db.session.commit()
    shown = {a.id for a in judge_view(entry).attachments}
    return [a for a in entry.attachments if a.id in shown]


def test_an_assigned_judge_downloads_under_the_blind_name(client, login, assigned, judges):
    files = _files(assigned)
    login(judges[0])
    page = client.get(f"/judge/entries/{assigned.id}").get_data(as_text=True)
    for attachment in files:
        assert f"/judge/attachments/{attachment.id}" in page
        assert f'href="/attachments/{attachment.id}"' not in page
        with client.get(f"/judge/attachments/{attachment.id}") as response:
            assert response.status_code == 200
            disposition = response.headers["Content-Disposition"]
            assert disposition.startswith("attachment;") and assigned.code in disposition
            assert "Kín" not in disposition and "Kin" not in disposition
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in response.headers["Content-Security-Policy"]
        with client.get(f"/attachments/{attachment.id}") as response:
            assert response.status_code == 404  # the entrants' route is not theirs
    photo = next(a for a in files if a.thumbnail_key)
    with client.get(f"/judge/attachments/{photo.id}/thumbnail") as response:
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
    plain = next(a for a in files if not a.thumbnail_key)
    assert client.get(f"/judge/attachments/{plain.id}/thumbnail").status_code == 404


def test_other_judges_conflicted_judges_and_other_roles_get_nothing(
    client, login, assigned, judges, open_edition, organizer
):
    files = _files(assigned)
    urls = [f"/judge/attachments/{a.id}" for a in files]
    urls += [f"/judge/attachments/{a.id}/thumbnail" for a in files if a.thumbnail_key]
    login(judges[2])  # not assigned
    assert {client.get(u).status_code for u in urls} == {404}
    client.post("/logout")
    declare_conflict(open_edition, judges[1], "entry", organizer, entry=assigned)
    db.session.commit()
    login(judges[1])  # assigned, then in conflict
    assert {client.get(u).status_code for u in urls} == {404}
    assert client.get(f"/judge/entries/{assigned.id}").status_code == 404
    client.post("/logout")
    login(organizer)  # organizers use /attachments/<id>
    assert {client.get(u).status_code for u in urls} == {403}
