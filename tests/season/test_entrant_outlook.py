"""Where an entrant's entries stand once judged and published: prize or "không đạt giải",
the posting period with the complaint link, certificates to download (owner only) and the
national selection — on the home list and the entry page; never "Được đưa vào chấm" alone."""

from __future__ import annotations

from html import unescape

from contest.certificates import operations as certs
from contest.jobs.operations import commit
from contest.national import selection as national
from contest.season.entrant import outlooks
from tests.publication.certificates_support import A1_AUTHORS, published_edition
from tests.publication.flow import entrant_owning
from tests.publication.helpers import entry_id


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return unescape(response.get_data(as_text=True))


def test_prize_certificates_and_posting_are_shown_to_the_owner(
    runner, tmp_path, client, login, users
):
    organizer = users["organizer"]
    edition, v1 = published_edition(runner, tmp_path, organizer)
    certs.issue_for(v1, organizer)
    commit()
    owner = entrant_owning("A1", "A6", email="chu-ho-so@example.vn")
    login(owner)
    home = _page(client, "/my/entries/")
    assert "Đạt Giải Nhất. Kết quả đang niêm yết đến " in home
    assert "Không đạt giải." in home and "2 giấy chứng nhận" in home
    assert "Được đưa vào chấm" not in home
    a1 = _page(client, f"/my/entries/{entry_id('A1')}")
    assert 'data-testid="complaint-link"' in a1
    assert "✓ Được đưa vào chấm" in a1 and "✓ Đang chấm" in a1
    for name in A1_AUTHORS:
        assert f"Giấy chứng nhận của {name} (tệp PDF)" in a1
    code = certs.format_code(
        next(c for c in certs.certificates_of(v1) if c.entry_id == entry_id("A1")).code
    )
    pdf = client.get(f"/my/certificates/{code}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    a6 = _page(client, f"/my/entries/{entry_id('A6')}")
    assert "Không đạt giải." in a6 and "certificate-link" not in a6
    # Another entrant cannot download it, as if it did not exist.
    login(entrant_owning(email="nguoi-khac@example.vn"))
    assert client.get(f"/my/certificates/{code}.pdf").status_code == 404


def test_final_results_and_the_national_selection(app, runner, tmp_path, users):
    organizer = users["organizer"]
    edition, v1 = published_edition(runner, tmp_path, organizer)
    v1.posting_ends_at = v1.published_at  # the posting period is over: final
    edition.national_max = 1
    commit()
    chosen = national.selection(edition).items[0].entry
    view = outlooks([e for e in edition_entries(edition)])
    mine = view[chosen.entry_id]
    assert mine.headline == f"Đạt {chosen.prize_name}." and not mine.complaints_open
    assert mine.national == "Được chọn gửi dự thi toàn quốc."
    assert [s.state for s in mine.steps] == ["done"] * 6


def edition_entries(edition):
    from sqlalchemy import select

    from contest.entries.models import Entry
    from contest.extensions import db

    return db.session.scalars(select(Entry).where(Entry.edition_id == edition.id)).all()
