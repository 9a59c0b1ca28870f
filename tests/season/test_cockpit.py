"""The edition cockpit: stages, states, problems and the next action, the same on the page,
in ``/organizer/season/<slug>.json`` and in ``contest edition status [--json]``."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape

from contest.contests.operations import get_edition
from contest.entries.models import Entry
from contest.extensions import db
from contest.jobs.operations import commit
from contest.publication import operations as pub
from contest.season.cockpit import as_json, cockpit
from contest.timeutil import utcnow
from tests.publication.helpers import SLUG, compiled_edition, resolve_flags

STAGE_KEYS = [
    "setup",
    "open",
    "intake",
    "judging",
    "review",
    "publication",
    "final",
    "certificates",
    "national",
    "report",
    "next_edition",
]


def _status(runner, *extra) -> dict:
    result = runner.invoke(args=["edition", "status", SLUG, "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _stage(data: dict, key: str) -> dict:
    return next(s for s in data["stages"] if s["key"] == key)


def test_a_compiled_edition_is_blocked_in_review_with_every_problem_named(runner, tmp_path, users):
    compiled_edition(runner, tmp_path)
    data = _status(runner)
    assert [s["key"] for s in data["stages"]] == STAGE_KEYS
    assert data["edition"]["slug"] == SLUG and data["current_stage"] == "judging"
    judging = _stage(data, "judging")
    # The window has ended (the definition's dates are in the past): A6 lacks one sheet.
    assert judging["state"] == "blocked"
    assert judging["counts"]["sheets_needed"] == 14 and judging["counts"]["sheets_submitted"] == 13
    assert any("A6 (thiếu 1)" in p["message"] for p in judging["problems"])
    review = _stage(data, "review")
    messages = [p["message"] for p in review["problems"]]
    assert review["state"] == "blocked" and review["counts"]["problems"] == 4
    assert "A6: chưa đủ phiếu chấm, còn thiếu 1 phiếu đã nộp." in messages
    assert "A5: chênh lệch điểm giữa các giám khảo chưa được xử lý." in messages
    assert [s["state"] for s in data["stages"][5:]] == ["later"] * 6
    assert data["next_action"]["url"].endswith(f"/organizer/judging/{SLUG}/progress")


def test_once_resolved_the_next_action_is_to_publish_then_the_season_moves_on(
    runner, tmp_path, users
):
    organizer = users["organizer"]
    edition = compiled_edition(runner, tmp_path)
    resolve_flags(edition, organizer)
    data = _status(runner)
    assert _stage(data, "judging")["state"] == "done"
    assert _stage(data, "review")["state"] == "now"
    assert data["next_action"]["label"] == "Công bố kết quả"
    pub.publish(edition, organizer, posting_days=15)
    commit()
    data = _status(runner)
    assert _stage(data, "review")["state"] == "done"
    posting = _stage(data, "publication")
    assert posting["state"] == "now" and posting["until"] is not None
    assert posting["counts"]["winners"] == 6
    assert _stage(data, "final")["state"] == "later"
    assert _stage(data, "certificates")["state"] == "now"


def test_an_override_is_shown_on_the_cockpit(runner, tmp_path, users):
    edition = compiled_edition(runner, tmp_path)
    pub.publish(edition, users["organizer"], override_reason="Trưởng ban duyệt")
    commit()
    notes = _stage(_status(runner), "publication")["notes"]
    assert any("Trưởng ban duyệt" in note for note in notes)


def test_an_open_edition_then_closed_with_its_judging_window(runner, users):
    deadline = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%d")
    opens = (utcnow() - timedelta(days=30)).strftime("%Y-%m-%d")
    created = runner.invoke(
        args=[
            "edition", "create", "--template", "youth", "--slug", SLUG, "--title", "Lần thứ 9",
            "--deadline", deadline, "--opens", opens,
        ]
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    data = _status(runner)
    assert data["edition"]["phase"] == "open" and data["current_stage"] == "open"
    assert [s["state"] for s in data["stages"][:3]] == ["done", "now", "later"]
    edition = get_edition(SLUG)
    edition.submission_deadline = utcnow() - timedelta(days=1)
    commit()
    data = _status(runner)
    assert data["current_stage"] == "intake" and _stage(data, "open")["state"] == "done"
    judging = _stage(data, "judging")
    assert judging["state"] == "blocked"  # no judging window yet
    assert (
        judging["problems"][0]["message"] == "Chưa đặt thời gian chấm (ngày bắt đầu và kết thúc)."
    )
    edition.judging_starts_at = utcnow() + timedelta(days=3)
    edition.judging_ends_at = utcnow() + timedelta(days=10)
    commit()
    judging = _stage(_status(runner), "judging")
    assert judging["state"] == "now"
    assert judging["notes"][0].startswith("Thời gian chấm bắt đầu lúc ")


def test_the_text_form_and_an_unknown_edition(runner, tmp_path, users):
    compiled_edition(runner, tmp_path)
    text = runner.invoke(args=["edition", "status", SLUG]).output
    assert text.splitlines()[0].endswith(f"({SLUG}) — Đang xét kết quả")
    assert "[Cần xử lý] Xét kết quả" in text
    assert "  ! A6: chưa đủ phiếu chấm, còn thiếu 1 phiếu đã nộp." in text
    missing = runner.invoke(args=["edition", "status", "khong-co"])
    assert missing.exit_code == 1 and "khong-co" in missing.output


def test_the_page_shows_what_the_json_says(runner, tmp_path, client, login, users):
    compiled_edition(runner, tmp_path)
    login(users["organizer"])
    html = client.get(f"/organizer/season/{SLUG}").get_data(as_text=True)
    data = client.get(f"/organizer/season/{SLUG}.json").get_json()
    assert data == _without_clock(_status(runner), data["generated_at"])
    states = dict(re.findall(r'data-testid="stage-(\w+)" data-state="(\w+)"', html))
    assert states == {s["key"]: s["state"] for s in data["stages"]}
    page = unescape(html)
    for stage in data["stages"]:
        assert stage["name"] in page
        for problem in stage["problems"]:
            assert problem["message"] in page
    assert data["next_action"]["label"] in page


def _without_clock(data: dict, generated_at: str) -> dict:
    return {**data, "generated_at": generated_at}


def test_only_organizers_see_the_cockpit(runner, tmp_path, client, login, users):
    compiled_edition(runner, tmp_path)
    login(users["judge"])
    assert client.get(f"/organizer/season/{SLUG}").status_code == 403
    assert client.get(f"/organizer/season/{SLUG}.json").status_code == 403


def test_the_organizer_home_lists_each_season_with_its_next_action(
    app, runner, tmp_path, client, login, users
):
    edition = compiled_edition(runner, tmp_path)
    login(users["organizer"])
    html = unescape(client.get("/organizer/").get_data(as_text=True))
    assert f'data-testid="season-{SLUG}"' in html
    assert edition.title in html and "Việc tiếp theo:" in html
    db.session.expire_all()
    with app.test_request_context("/"):
        assert cockpit(edition).next_action is not None
        assert as_json(cockpit(edition))["current_stage"] == "judging"


def test_a_season_run_from_files_is_closed_once_its_deadline_has_passed(runner, users):
    """No opening date (the timeline says draft), entries imported: the data shows the edition
    was open, and its deadline has passed, so it stands closed, not open."""
    deadline = (utcnow() - timedelta(days=3)).strftime("%Y-%m-%d")
    created = runner.invoke(
        args=[
            "edition", "create", "--template", "youth", "--slug", SLUG, "--title", "Từ tệp",
            "--deadline", deadline,
        ]
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    edition = get_edition(SLUG)
    db.session.add(
        Entry(edition_id=edition.id, code="T1", title="Nhập từ tệp",
              field_id=edition.fields[0].id, status="accepted")
    )  # fmt: skip
    commit()
    data = _status(runner)
    assert data["edition"]["phase"] == "closed"
    assert _stage(data, "open")["state"] == "done"
    assert data["current_stage"] == "intake"
