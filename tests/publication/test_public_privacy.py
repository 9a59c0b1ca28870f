"""Privacy of minors: the public results pages and files of a youth edition show the
authors' names, unit and area, and nothing else of them — no date of birth, phone number,
e-mail address, ethnicity or class, and nothing of the mentors' contacts."""

from __future__ import annotations

from openpyxl import load_workbook

from tests.publication.public_fixtures import (
    YOUTH_ENTRIES,
    YOUTH_SLUG,
    file_text,
    publish_youth,
    youth_secrets,
)

SLUG = YOUTH_SLUG
PAGES = (
    "/results/",
    f"/results/{SLUG}",
    f"/results/{SLUG}/v/1",
    f"/results/{SLUG}/print",
    f"/results/{SLUG}/print?v=1",
    f"/results/{SLUG}/results.xlsx",
    f"/results/{SLUG}/results.pdf",
    f"/editions/{SLUG}",
)


def test_public_pages_and_files_show_names_but_no_personal_data(client, users):
    publish_youth(users)
    secrets = youth_secrets()
    assert "0912 345 678" in secrets and "15/04/2011" in secrets and "Lớp 9A3" in secrets
    seen = {}
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        seen[path] = text = file_text(response.data)
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{path} shows {leaked}"
    for path in PAGES[1:-1]:  # every page and file of the results lists the winners
        text = " ".join(seen[path].split())
        for code in YOUTH_ENTRIES:
            title, _field, unit, _area, authors, _totals = YOUTH_ENTRIES[code]
            assert title in text, (path, title)
            for name in (a.split("|")[0] for a in authors.split(";")):
                assert name in text, (path, name)


def test_xlsx_cells_hold_only_the_published_values(client, users):
    """Every cell of the XLSX, one by one (a hidden column would be missed by a page
    check): the title block, the header and the winners' published values."""
    import io

    publish_youth(users)
    data = client.get(f"/results/{SLUG}/results.xlsx").data
    workbook = load_workbook(io.BytesIO(data))
    assert len(workbook.worksheets) == 1
    sheet = workbook.worksheets[0]
    values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    secrets = youth_secrets()
    assert not [v for v in values if any(s in v for s in secrets)]
    assert sheet.max_column == 7
    allowed = {"Trường THCS Tân Trào", "Trường Tiểu học Kim Bình", "Đồ dùng dành cho học tập",
               "Sản phẩm thân thiện với môi trường", "Giải Nhất", "Giải Ba", "Y1", "Y2", "1", "2",
               "Thước kẻ đa năng cho học sinh khiếm thị", "Máy lọc nước mưa mini",
               "Nguyễn Minh Châu; Trần Gia Bảo", "Lê Hà My"}  # fmt: skip
    assert set(values[3 + 7 :]) == allowed  # title block (3), header (7), then the winners
