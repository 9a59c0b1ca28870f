"""A document in which the scan found a name is withheld from judges until an organizer
accepts or fixes the finding: marked on the judge's entry page, 423 on the download."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contest.accounts.models import Role
from contest.extensions import db
from contest.jobs.operations import commit
from contest.judging import assigning, doc_findings
from contest.judging.blind import judge_view
from contest.judging.doc_scan_tasks import start_scan
from contest.judging.judge_files import FileWithheld, judge_file
from contest.judging.models_scan import DocumentFinding
from tests import factories
from tests.judging import doc_scan_files as files
from tests.judging.conftest import make_entry

AUTHOR = "Nguyễn Thị Kín"


@pytest.fixture()
def scanned(edition, final, places, organizer):
    judge = factories.make_user("gk-quet@example.vn", (Role.JUDGE,), full_name="Lê Văn Quét")
    entry = make_entry(edition, "STKT-CNTT-009", authors=(AUTHOR,), unit=places["school"])
    attachment = files.attach(
        entry,
        files.pdf([f"Tác giả: em {AUTHOR}, Trường THPT Hàm Yên.", "Nội dung."]),
        files.PDF,
        "description",
        "thuyet-minh.pdf",
    )
    assigning.assign_judges_to_entry(edition, final, entry, [judge], None)
    start_scan(edition, organizer)
    commit()
    return judge, entry, attachment


def test_a_file_with_an_open_finding_is_withheld_until_accepted(
    app, client, login, scanned, organizer
):
    judge, entry, attachment = scanned
    [view_file] = judge_view(entry).attachments
    assert view_file.withheld
    with pytest.raises(FileWithheld):
        judge_file(attachment)
    login(judge)
    page = client.get(f"/judge/entries/{entry.id}")
    assert 'data-testid="judge-attachment-withheld"' in page.get_data(as_text=True)
    response = client.get(f"/judge/attachments/{attachment.id}")
    assert response.status_code == 423
    assert "đang chờ Ban Tổ chức kiểm tra" in response.get_data(as_text=True)
    for finding in db.session.scalars(select(DocumentFinding)):
        doc_findings.decide(finding, "accepted", organizer)
    db.session.commit()
    assert not judge_view(entry).attachments[0].withheld
    released = client.get(f"/judge/attachments/{attachment.id}")
    assert released.status_code == 200 and released.data.startswith(b"%PDF")
    released.close()
