"""The organizers' review page: numbers equal the engine's, explanations, filters, the
compile button, access, and the comparison with the previous run after a sheet changes."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from contest.entries.models import Entry
from contest.extensions import db
from contest.jobs.models import Job
from contest.judging.models import Score, ScoreSheet
from contest.results import compile as compiling
from contest.results.config_from_edition import config_from_edition
from contest.results.ranking import run_round
from contest.timeutil import utcnow
from tests import factories
from tests.results_review.helpers import SLUG, build, compile_now

URL = f"/organizer/results/{SLUG}"


def _row_html(html: str, code: str) -> str:
    """The <tr> of entry ``code`` on the page."""
    match = re.search(rf'<tr data-testid="row-{code}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {code}"
    return match.group(1)


def _cell(row_html: str, testid: str) -> str:
    """The text of the cell ``testid`` (tags stripped, spaces squeezed)."""
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</td>', row_html, re.S)
    assert match, testid
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_the_page_shows_the_engines_numbers_and_explanations(
    runner, tmp_path, client, login, users
):
    edition = build(runner, tmp_path)
    compile_now(edition)
    round_ = edition.rounds[-1]
    engine = run_round(
        config_from_edition(edition, round_),
        compiling.stream_aggregates(edition, round_, config_from_edition(edition, round_), {}),
    ).results
    db.session.rollback()
    login(users["organizer"])
    html = client.get(URL).get_data(as_text=True)

    assert len(engine) == 7
    for result in engine:
        row = _row_html(html, result.entry)
        score = "—" if result.score is None else str(result.score).replace(".", ",")
        assert _cell(row, "score") == score
        assert _cell(row, "rank") == (str(result.rank) if result.rank else "—")
        flags = re.search(r'data-testid="flags">(.*?)</td>', row, re.S).group(1)
        assert re.findall(r'data-flag="(\w+)"', flags) == list(result.flags)
        proposed = re.search(r'data-testid="proposed">(.*?)</div>', row, re.S).group(1)
        names = {p.code: p.name for p in edition.prizes}
        assert proposed.split(":", 1)[1].strip() == names.get(result.prize, "—")

    a2 = _row_html(html, "A2")
    assert "80,00 ≥ ngưỡng 75 của Giải Nhì; suất thứ 1/2" in a2
    assert "80,00 &lt; ngưỡng 85 của Giải Nhất" in a2  # why not higher
    a3 = _row_html(html, "A3")
    assert "76,00 ≥ ngưỡng 65 của Giải Ba; suất thứ 1–2/2" in a3
    assert "Đồng hạng với A4 ở giới hạn suất của Giải Nhì (1/2 suất đã trao)" in a3
    a5 = _row_html(html, "A5")
    assert _cell(a5, "judges") == "gk1@example.vn: 70 gk2@example.vn: 30"
    assert _cell(a5, "spread") == "40"
    assert "Chênh lệch giữa các phiếu 40 &gt; ngưỡng 20" in a5
    assert "50,00 &lt; ngưỡng 55 của Giải Khuyến khích" in a5
    a6 = _row_html(html, "A6")
    assert "Chưa đủ phiếu chấm (1/2): không xếp hạng" in a6
    assert "decide-A6" not in html and "decide-A2" in html  # unranked: no decision form
    assert "Đây là lần tổng hợp đầu tiên" in html


def test_the_flag_filter_keeps_only_flagged_rows(runner, tmp_path, client, login, users):
    compile_now(build(runner, tmp_path))
    login(users["organizer"])
    html = client.get(URL + "?flag=TIE_AT_QUOTA").get_data(as_text=True)
    assert re.findall(r'data-testid="row-(\w+)"', html) == ["A3", "A4"]
    assert 'data-testid="filter-DISCREPANCY"' in html
    assert "Chênh lệch điểm giữa giám khảo (1)" in html
    html = client.get(URL + "?flag=NONSENSE").get_data(as_text=True)  # ignored
    assert len(re.findall(r'data-testid="row-(\w+)"', html)) == 7


def test_the_compile_button_starts_the_job_and_links_back(runner, tmp_path, client, login, users):
    edition = build(runner, tmp_path)
    login(users["organizer"])
    html = client.get(URL).get_data(as_text=True)
    assert 'data-testid="no-run"' in html
    response = client.post(URL + "/compile", data={"round": edition.rounds[-1].code})
    assert response.status_code == 302
    match = re.fullmatch(r".*/jobs/(\d+)", response.headers["Location"])
    job = db.session.get(Job, int(match.group(1)), populate_existing=True)
    assert job.kind == "results.compile" and job.status == "succeeded"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="job-progress"' in page and 'data-testid="go-review"' in page
    back = client.get(f"/organizer/results/job/{job.id}")
    assert back.status_code == 302 and back.headers["Location"].endswith(f"{URL}?round=final")
    assert 'data-testid="run-info"' in client.get(URL).get_data(as_text=True)
    assert client.post(URL + "/compile", data={"round": "nope"}).status_code == 404


def test_only_organizers_see_and_use_the_page(runner, tmp_path, app, users):
    build(runner, tmp_path)
    for persona in ("judge", "entrant", "coordinator"):
        client = app.test_client()
        client.post("/login", data={"email": users[persona].email, "password": factories.PASSWORD})
        assert client.get(URL).status_code == 403
        assert client.get("/organizer/results/").status_code == 403
        assert client.post(URL + "/compile", data={}).status_code == 403
        assert client.post(URL + "/decide", data={}).status_code == 403
    anonymous = app.test_client().get(URL)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert db.session.scalar(select(Job.id)) is None


def test_the_index_and_nav_link_to_the_review(runner, tmp_path, client, login, users):
    build(runner, tmp_path)
    login(users["organizer"])
    html = client.get("/organizer/results/").get_data(as_text=True)
    assert f'href="{URL}?round=final"' in html and 'data-testid="nav-results"' in html
    assert f'href="{URL}"' in client.get(f"/organizer/editions/{SLUG}").get_data(as_text=True)


def test_the_comparison_shows_a_changed_sheet_after_recompiling(
    runner, tmp_path, client, login, users
):
    edition = build(runner, tmp_path)
    compile_now(edition)
    a5 = db.session.scalar(select(Entry).where(Entry.code == "A5"))
    low = db.session.scalars(
        select(ScoreSheet).where(ScoreSheet.entry_id == a5.id).order_by(ScoreSheet.id)
    ).all()[1]
    for score in db.session.scalars(select(Score).where(Score.sheet_id == low.id)):
        score.points = Decimal(score.points) * 3  # 10 → 30, 20 → 60: total 90
    low.updated_at = utcnow()
    low.version += 1
    db.session.commit()

    login(users["organizer"])
    before = client.get(URL).get_data(as_text=True)
    assert 'data-testid="stale"' in _row_html(before, "A5")  # the run is older than the sheet
    compile_now(edition)
    html = client.get(URL).get_data(as_text=True)
    assert "Lần số 1 → lần số 2" in html
    changes = re.findall(r'data-testid="change-(\w+)"', html)
    assert "A5" in changes and "B1" not in changes and "A6" not in changes
    change = re.search(r'data-testid="change-A5">(.*?)</tr>', html, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", " ", change).split())
    assert "50,00 → 80,00" in text
    assert "— → Giải Nhì" in text
    assert "Chênh lệch điểm giữa giám khảo → —" in text
    assert "Phiếu chấm thay đổi (giám khảo: gk2@example.vn)." in text
    # A2 lost its place to A5 (same score): the reason is another entry, not its sheets
    if "A2" in changes:
        other = re.search(r'data-testid="change-A2">(.*?)</tr>', html, re.S).group(1)
        assert "thay đổi do hồ sơ khác" in other
    assert 'data-testid="stale"' not in _row_html(html, "A5")


def test_a_preliminary_round_explains_the_cutoff_and_takes_no_decisions(
    runner, tmp_path, client, login, users
):
    from tests.results_compile.helpers import (
        create_edition,
        definition,
        import_entries,
        import_scores,
        sheet,
    )

    rounds = [{"code": "prelim", "cutoff": 60}, {"code": "final", "cutoff": None}]
    create_edition(runner, tmp_path, definition("stkt-sk", rounds=rounds))
    import_entries(
        runner, tmp_path, "stkt-sk", [("P1", "CK", "accepted"), ("P2", "CK", "accepted")]
    )
    scores = {"P1": [sheet(30, 40), sheet(30, 40)], "P2": [sheet(20, 39), sheet(20, 39)]}
    import_scores(runner, tmp_path, "stkt-sk", scores, round_code="prelim")
    login(users["organizer"])
    url = "/organizer/results/stkt-sk"
    html = client.get(url).get_data(as_text=True)  # the last round, not compiled yet
    assert 'data-testid="no-run"' in html and 'data-testid="round-tabs"' in html
    response = client.post(url + "/compile", data={"round": "final"})  # prelim first
    assert response.status_code == 302 and "round=final" in response.headers["Location"]
    message = client.get(response.headers["Location"]).get_data(as_text=True)
    # the rounds of this definition have no names: "Vòng" and the code
    assert "Hãy tổng hợp kết quả vòng prelim trước vòng final." in message
    client.post(url + "/compile", data={"round": "prelim"})
    html = client.get(url + "?round=prelim").get_data(as_text=True)
    assert "70,00 ≥ điểm sàn 60: vào vòng sau" in _row_html(html, "P1")
    assert "59,00 &lt; điểm sàn 60" in _row_html(html, "P2")
    assert "Vòng sơ khảo: không xét giải" in html and "decide-P1" not in html
    assert client.get(url + "?round=nope").status_code == 404
