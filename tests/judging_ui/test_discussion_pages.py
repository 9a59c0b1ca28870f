"""The panel's discussion through the test client: who sees the thread (a matrix of personas
over the thread routes), posting (bounds, Vietnamese errors, nothing lost, CSRF), hiding by an
organizer (audited), masking of names quoted in comments shown to judges, local times, and the
link from the discrepancy list."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from contest.audit.models import AuditEntry
from contest.extensions import db
from contest.judging import discussion
from contest.judging.models_discussion import Comment
from tests import factories
from tests.judging_ui import judge_fixtures
from tests.judging_ui.discussion_fixtures import AUTHOR, cast, client_for, judge_url, org_url
from tests.judging_ui.org_fixtures import submit_sheet

judges = judge_fixtures.judges
open_edition = judge_fixtures.open_edition
assigned = judge_fixtures.assigned
__all__ = ["cast"]  # the fixture

# persona: (judge thread GET, judge thread POST, organizer thread GET, organizer POST)
MATRIX = {
    "anonymous": ("login", "login", "login", "login"),
    "assigned": (200, 302, 403, 403),
    "panel": (200, 302, 403, 403),
    "conflicted": (404, 404, 403, 403),
    "other_panel": (404, 404, 403, 403),
    "entrant": (404, 404, 403, 403),
    "coordinator": (404, 404, 403, 403),
    "organizer": (404, 404, 200, 302),
    "admin": (404, 404, 200, 302),
}


def _ok(response, expected) -> bool:
    if expected == "login":
        return response.status_code == 302 and "/login" in response.headers["Location"]
    return response.status_code == expected


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_who_sees_the_thread(app, open_edition, final, assigned, cast, persona):
    """Only the entry's panel (not a conflicted member) and the organizers reach the thread;
    everyone else finds nothing (404 on the judge's route; the organizer's pages refuse)."""
    user = cast.get(persona)
    client = client_for(app, user)
    comment = {"body": f"Ý kiến của {persona}"}
    judge_page, org_page = judge_url(assigned, final), org_url(open_edition, assigned, final)
    got = (
        client.get(judge_page),
        client.post(judge_page, data=comment),
        client.get(org_page),
        client.post(org_page, data=comment),
    )
    want = MATRIX[persona]
    problems = [
        f"{i}: {r.status_code} want {w}"
        for i, (r, w) in enumerate(zip(got, want, strict=True))
        if not _ok(r, w)
    ]
    assert not problems, problems
    written = db.session.scalar(
        select(func.count(Comment.id)).where(Comment.body == comment["body"])
    )
    assert written == (1 if 302 in (want[1], want[3]) else 0)
    if got[0].status_code == 200:
        assert "Thảo luận của tiểu ban" in got[0].get_data(as_text=True)


def test_the_rule_set_wise_and_per_user_agree(app, open_edition, final, assigned, cast):
    """``discussants`` (digest) and ``may_discuss`` (pages) are one rule."""
    who = discussion.discussants(final, [assigned])[assigned.id]
    assert who == {cast["assigned"].id, cast["assigned2"].id, cast["panel"].id}
    for persona, user in cast.items():
        expected = user.id in who or persona in ("organizer", "admin")
        assert discussion.may_discuss(user, assigned, final) is expected, persona


def test_a_rejected_entry_has_no_thread_for_judges(app, open_edition, final, assigned, cast):
    assigned.status = "rejected"
    db.session.commit()
    assert client_for(app, cast["assigned"]).get(judge_url(assigned, final)).status_code == 404


def test_post_list_in_time_order_with_author_and_local_time(
    app, open_edition, final, assigned, cast
):
    factories.make_comment(
        assigned, cast["assigned2"], "Ý kiến đầu tiên", round_=final,
        created_at=datetime(2026, 8, 10, 1, 5, tzinfo=UTC),
    )  # fmt: skip
    client = client_for(app, cast["assigned"])
    response = client.post(
        judge_url(assigned, final),
        data={"body": "  Tôi chấm phần ứng dụng thấp hơn.\nVì sao?  ", "back": "entry"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/judge/entries/{assigned.id}#thao-luan-{final.id}"
    )
    page = client.get(f"/judge/entries/{assigned.id}").get_data(as_text=True)
    first, second = (
        page.index("Ý kiến đầu tiên"),
        page.index("Tôi chấm phần ứng dụng thấp hơn.\nVì sao?"),
    )
    assert first < second
    assert "Phạm Thị Bình" in page and "TS. Lê Văn An" in page
    assert "10/08/2026 08:05" in page  # 01:05 UTC is 08:05 in Vietnam
    stored = db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
    assert stored.body == "Tôi chấm phần ứng dụng thấp hơn.\nVì sao?" and not stored.by_organizer


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Hãy viết nội dung bình luận."),
        ("   \n  ", "Hãy viết nội dung bình luận."),
        ("x" * 4001, "Bình luận dài tối đa 4000 ký tự (bạn đã viết 4001 ký tự)."),
    ],
)
def test_a_refused_comment_says_why_and_keeps_the_text(
    app, open_edition, final, assigned, cast, body, message
):
    client = client_for(app, cast["panel"])
    response = client.post(judge_url(assigned, final), data={"body": body})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if body.strip():
        assert body in page  # nothing lost
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_the_longest_comment_is_accepted(app, open_edition, final, assigned, cast):
    client = client_for(app, cast["panel"])
    response = client.post(judge_url(assigned, final), data={"body": "ý" * 4000})
    assert response.status_code == 302
    assert db.session.scalar(select(func.length(Comment.body))) == 4000


def test_posting_needs_the_csrf_token(make_app, open_edition, final, assigned, cast):
    from tests.accounts.helpers import csrf_token_from

    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    login = {"email": "gk3@example.vn", "password": factories.PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    refused = client.post(judge_url(assigned, final), data={"body": "Không có mã"})
    assert refused.status_code == 400
    token = csrf_token_from(client.get(judge_url(assigned, final)).get_data(as_text=True))
    ok = client.post(judge_url(assigned, final), data={"body": "Có mã", "csrf_token": token})
    assert ok.status_code == 302
    bodies = db.session.scalars(select(Comment.body)).all()
    assert bodies == ["Có mã"]


def test_judges_read_comments_with_the_entrys_names_masked(
    app, open_edition, final, assigned, cast
):
    """A judge quoting the author (in any written form) is masked for the other judges and in
    their own view; the organizer reads the original with the masked part highlighted."""
    assigned.title = f"Mô hình tưới cây của {AUTHOR}"  # the thread page shows the title
    db.session.commit()
    quote = "Em nguyen thi kin đã làm mô hình này ở nhà, N.T. Kín có kể."
    client = client_for(app, cast["assigned"])
    assert client.post(judge_url(assigned, final), data={"body": quote}).status_code == 302
    for persona in ("assigned", "assigned2", "panel"):
        judge = client_for(app, cast[persona])
        for url in (judge_url(assigned, final), f"/judge/entries/{assigned.id}"):
            response = judge.get(url)
            if response.status_code == 404:  # Chi is not assigned: no entry page, the thread only
                assert persona == "panel" and "/discussion/" not in url
                continue
            page = response.get_data(as_text=True)
            assert "[đã ẩn]" in page and "đã làm mô hình này ở nhà" in page
            for secret in ("nguyen thi kin", "N.T. Kín", AUTHOR):
                assert secret not in page, (persona, url, secret)
    organizer = client_for(app, cast["organizer"])
    page = organizer.get(org_url(open_edition, assigned, final)).get_data(as_text=True)
    assert "nguyen thi kin" in page and '<mark class="masked' in page


def test_organizers_hide_a_comment_audited_and_judges_no_longer_read_it(
    app, open_edition, final, assigned, cast
):
    judge = client_for(app, cast["assigned"])
    judge.post(judge_url(assigned, final), data={"body": "Lời lẽ không phù hợp"})
    comment = db.session.scalars(select(Comment)).one()
    url = f"/organizer/judging/{open_edition.slug}/comments/{comment.id}/visibility"
    assert judge.post(url, data={"hidden": "1"}).status_code == 403  # judges cannot hide
    organizer = client_for(app, cast["organizer"])
    response = organizer.post(url, data={"hidden": "1"})
    assert response.status_code == 302 and f"#thao-luan-{final.id}" in response.headers["Location"]
    db.session.expire_all()
    assert comment.hidden and comment.hidden_by_id == cast["organizer"].id
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "judging.comment_hide")
    ).one()
    assert audit.actor_id == cast["organizer"].id and audit.details["comment"] == comment.id
    page = client_for(app, cast["panel"]).get(judge_url(assigned, final)).get_data(as_text=True)
    assert "Lời lẽ không phù hợp" not in page
    assert "Bình luận này đã được Ban Tổ chức ẩn." in page and "0 bình luận" in page
    org_page = organizer.get(org_url(open_edition, assigned, final)).get_data(as_text=True)
    assert "Lời lẽ không phù hợp" in org_page and "Hiện lại" in org_page
    organizer.post(url, data={"hidden": "0"})
    db.session.expire_all()
    assert not comment.hidden
    page = client_for(app, cast["panel"]).get(judge_url(assigned, final)).get_data(as_text=True)
    assert "Lời lẽ không phù hợp" in page


def test_a_comment_is_hidden_only_through_its_own_edition(app, open_edition, final, assigned, cast):
    from tests.judging.conftest import DEADLINE

    other = factories.make_edition(
        "technical", "stkt-khac", "Hội thi khác", DEADLINE, cast["organizer"]
    )
    client_for(app, cast["assigned"]).post(judge_url(assigned, final), data={"body": "Ý kiến"})
    comment = db.session.scalars(select(Comment)).one()
    organizer = client_for(app, cast["organizer"])
    url = f"/organizer/judging/{other.slug}/comments/{comment.id}/visibility"
    assert organizer.post(url, data={"hidden": "1"}).status_code == 404
    db.session.expire_all()
    assert not comment.hidden


def test_the_discrepancy_list_links_to_the_thread_beside_the_panel_score(
    app, open_edition, final, assigned, cast
):
    """An entry whose sheets disagree: the progress page links to its thread with the
    comment count; the entry page shows the thread next to the panel score form, and an
    organizer's comment returns there."""
    submit_sheet(open_edition, final, assigned, cast["panel"], (30, 30, 40))
    submit_sheet(open_edition, final, assigned, cast["other_panel"], (5, 5, 5))
    client_for(app, cast["assigned"]).post(judge_url(assigned, final), data={"body": "Chênh lớn"})
    client_for(app, cast["panel"]).post(judge_url(assigned, final), data={"body": "Đồng ý"})
    organizer = client_for(app, cast["organizer"])
    page = organizer.get(
        f"/organizer/judging/{open_edition.slug}/progress?round={final.code}"
    ).get_data(as_text=True)
    link = (
        f"/organizer/judging/{open_edition.slug}/entries/{assigned.id}"
        f"?round={final.code}#thao-luan-{final.id}"
    )
    assert f'href="{link}"' in page
    assert "Thảo luận (2 bình luận)" in page
    entry_page = organizer.get(link.split("#")[0]).get_data(as_text=True)
    thread_at = entry_page.index(f'id="thao-luan-{final.id}"')
    assert thread_at < entry_page.index('data-testid="panel-score-form"')
    assert "Chênh lớn" in entry_page and "Đồng ý" in entry_page
    response = organizer.post(
        org_url(open_edition, assigned, final), data={"body": "Mời tiểu ban họp lúc 14h"}
    )
    assert response.headers["Location"].endswith(link)
    comment = db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
    assert comment.by_organizer
    judge_page = (
        client_for(app, cast["panel"]).get(judge_url(assigned, final)).get_data(as_text=True)
    )
    assert "Mời tiểu ban họp lúc 14h" in judge_page and "Ban Tổ chức" in judge_page
