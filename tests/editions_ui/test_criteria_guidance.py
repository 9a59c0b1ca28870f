"""The edition's criteria page edits each criterion's guidance (shown to judges)."""

from __future__ import annotations

from contest.extensions import db
from tests.editions_ui.conftest import CRITERION_KEYS, definition_of, grid_data


def test_the_criteria_page_saves_and_shows_guidance(client, organizer, open_edition):
    url = f"/organizer/editions/{open_edition.slug}/criteria"
    items = [dict(item) for item in definition_of(open_edition)["criteria"]]
    items[0]["guidance"] = "Điểm cao: ý tưởng hoàn toàn mới."
    data = grid_data(items, (*CRITERION_KEYS, "guidance"), open_edition.version)
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert open_edition.criteria[0].guidance == "Điểm cao: ý tưởng hoàn toàn mới."
    assert open_edition.criteria[1].guidance == ""
    page = client.get(url).get_data(as_text=True)
    assert "Hướng dẫn chấm" in page and "Điểm cao: ý tưởng hoàn toàn mới." in page
