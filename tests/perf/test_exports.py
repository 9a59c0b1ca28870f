"""Issue 15: the score-sheets XLSX, built set-based (same content as the sheets), and above
the threshold a job with a progress bar whose page offers the stored file."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from contest.extensions import db
from contest.jobs.models import Job
from contest.judging.exports import KIND
from tests.perf.helpers import SLUG, build, organizer_user

URL = f"/organizer/judging/{SLUG}/export.xlsx"


def _rows(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_has_one_row_per_sheet_and_the_job_gives_the_same_file(
    app, client, runner, tmp_path, login
):
    build(runner, tmp_path, 6, publish=False)
    login(organizer_user())
    direct = client.get(URL)
    assert direct.status_code == 200
    rows = _rows(direct.data)
    header, body = rows[0], rows[1:]
    assert header[:6] == ("Mã hồ sơ", "Lĩnh vực", "Giám khảo", "E-mail giám khảo",
                          "Trạng thái", "Nguồn")  # fmt: skip
    assert len(body) == 12  # 6 entries × 2 sheets
    first = next(r for r in body if r[0] == "E00001")
    # novelty 21 / 20, effect 37 (tests/perf/helpers.py: i = 0 → 20 + 0, 30 + 0; +1 novelty)
    assert first[6] in (20, 21) and first[7] == 30 and first[8] == first[6] + first[7]
    assert {r[4] for r in body} == {"Đã nộp"} and {r[5] for r in body} == {"Nhập từ tệp"}

    app.config["SHEETS_EXPORT_JOB_THRESHOLD"] = 5
    started = client.get(URL)
    assert started.status_code == 302 and "/jobs/" in started.headers["Location"]
    job = db.session.scalar(db.select(Job).where(Job.kind == KIND))
    assert job.status == "succeeded" and job.progress == job.total == 12
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    link = re.search(r'data-testid="export-download" class="btn btn-primary" href="([^"]+)"', page)
    assert link, page[-2000:]
    href = link.group(1).replace("&amp;", "&")
    download = client.get(href)
    assert download.status_code == 200 and _rows(download.data) == rows
    download.close()
    assert client.get(f"/organizer/judging/{SLUG}/exports/999999.xlsx").status_code == 404
