"""Editions for the public results tests, built with the real domain operations (the same
ones the ``contest edition create`` / ``entries import`` / ``scores import`` commands call, so
that the access matrix's ``extend_world`` can use them without a CLI runner), compiled by the
real job, and the readers of the files the public pages serve (PDF text and image, XLSX)."""

from __future__ import annotations

import csv
import io
import subprocess
import unicodedata
from pathlib import Path

from openpyxl import load_workbook

from contest.contests.operations import create_from_definition
from contest.entries.imports import import_entries
from contest.entries.models import Entry
from contest.extensions import db
from contest.judging.imports import import_scores
from contest.judging.panels import set_panel_score
from contest.publication import operations as pub
from tests.results_compile.helpers import JUDGES, definition
from tests.results_review.helpers import compile_now

TECHNICAL_SLUG = "stkt-ket-qua"
YOUTH_SLUG = "ttnnd-ket-qua"

# code → (title, field, unit, area, authors "Name|YYYY-MM-DD|G;…", two sheets' totals).
# Each sheet's total is spread over the criteria (:func:`sheet_points`); the score is their mean.
TECHNICAL_ENTRIES = {
    "T1": (
        "Hệ thống tưới tiêu thông minh điều khiển qua điện thoại",
        "CNTT",
        "Công ty TNHH Cơ điện Yên Sơn",
        "Huyện Yên Sơn",
        "Nguyễn Thị Hồng Nhung|1985-03-02|F;Trần Đức Mạnh|1979-11-20|M",
        (93, 93.5),  # 93.25 → Giải Nhất
    ),
    "T2": (
        "=Phần mềm quản lý hồ sơ bệnh án điện tử",
        "CNTT",
        "Bệnh viện Đa khoa tỉnh",
        "Thành phố Tuyên Quang",
        "Lê Quang Vũ|1990-01-09|M",
        (80.5, 80.5),  # 80.50 → Giải Nhì
    ),
    "T3": (
        "Bộ điều khiển lò sấy chè tiết kiệm điện",
        "CNTT",
        "Hợp tác xã chè Mỹ Bằng",
        "Huyện Yên Sơn",
        "Phạm Thị Thuỷ|1988-07-14|F",
        (70, 70),  # 70.00 → Giải Ba
    ),
    "T4": (
        "Ứng dụng tra cứu giống cây trồng",
        "CNTT",
        "Trạm Khuyến nông Hàm Yên",
        "Huyện Hàm Yên",
        "Đỗ Minh Khôi|1995-05-30|M",
        (50, 50),  # 50.00 → no prize
    ),
    "K1": (
        "Máy bóc vỏ lạc bán tự động",
        "CK",
        "Xưởng cơ khí Ánh Dương",
        "Huyện Sơn Dương",
        "Hoàng Văn Ánh|1972-12-01|M",
        (88.5, 89),  # 88.75 → Giải Nhất
    ),
    "K2": (
        "Cải tiến xe rùa chở vật liệu",
        "CK",
        "Công ty Xây dựng số 1",
        "Huyện Chiêm Hoá",
        "Vương Thị Lụa|1983-02-28|F",
        (60, 60.5),  # 60.25 → Giải Khuyến khích
    ),
}

TECHNICAL_WINNERS_ORDER = ["T1", "K1", "T2", "T3", "K2"]  # prize level, then field, rank


def sheet_points(criteria, total: float) -> dict:
    """One sheet worth ``total`` points: each criterion (in order) filled up to its maximum."""
    points, remaining = {}, total
    for criterion in criteria:
        points[criterion.code] = min(float(criterion.max_points), remaining)
        remaining -= points[criterion.code]
    assert remaining == 0, f"{total} is more than the criteria allow"
    return points


def build(slug: str, data: dict, entries: dict, *, actor=None):
    """Create the edition ``data`` (a definition), then :func:`import_and_compile`."""
    from contest.contests.operations import get_edition

    create_from_definition(data, actor)
    db.session.commit()
    return import_and_compile(get_edition(slug), entries, actor=actor)


def import_and_compile(edition, entries: dict, *, actor=None):
    """:func:`import_sheets`, then compile the last round; return the edition."""
    import_sheets(edition, entries, actor=actor)
    compile_now(edition)
    return edition


def import_sheets(edition, entries: dict, *, actor=None, judges=JUDGES) -> None:
    """Import ``entries`` (see ``TECHNICAL_ENTRIES``; a field ``CODE/BOARD`` gives the board)
    as accepted entries and the sheets of ``judges`` (accounts created when missing); commit."""
    boards = bool(edition.boards)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "title", "field", *(["board"] if boards else []), "unit", "area",
                     "authors", "status"])  # fmt: skip
    for code, (title, field, unit, area, authors, _totals) in entries.items():
        field, _sep, board = field.partition("/")
        writer.writerow([code, title, field, *([board] if boards else []), unit, area, authors,
                         "accepted"])  # fmt: skip
    import_entries(edition, io.BytesIO(out.getvalue().encode()), "entries.csv", actor)
    db.session.commit()
    scores = io.StringIO()
    writer = csv.writer(scores)
    writer.writerow(["entry", "judge", "criterion", "points"])
    for code, (*_rest, totals) in entries.items():
        for judge, total in zip(judges, totals, strict=False):
            for criterion, points in sheet_points(edition.active_criteria, total).items():
                writer.writerow([code, judge, criterion, points])
    import_scores(
        edition, io.BytesIO(scores.getvalue().encode()), "scores.csv", actor, create_judges=True
    )
    db.session.commit()


def technical_edition(slug: str = TECHNICAL_SLUG, title: str = "", **overrides):
    """The technical edition of ``TECHNICAL_ENTRIES``, compiled (not published)."""
    entries = overrides.pop("entries", None) or TECHNICAL_ENTRIES
    data = definition(slug, **overrides)
    data["organizing_units"] = "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Tuyên Quang"
    if title:
        data["title"] = title
    return build(slug, data, entries)


def youth_definition(slug: str = YOUTH_SLUG) -> dict:
    """A youth edition: two fields, ages 6–19 on 31/07/2026, prizes over the edition."""
    data = definition(slug)
    data.update(
        title="Cuộc thi Sáng tạo Thanh thiếu niên, Nhi đồng thử nghiệm",
        contest="youth",
        age={"min": 6, "max": 19},
        max_authors=5,
        applied_since=None,
        fields=[
            {"code": "HT", "name": "Đồ dùng dành cho học tập"},
            {"code": "MT", "name": "Sản phẩm thân thiện với môi trường"},
        ],
    )
    for prize in data["prizes"]:
        prize["scope"] = "edition"
    return data


def correct(edition, organizer, *, now):
    """Version 2: panel scores move T3 up to Giải Nhì, T4 into Giải Khuyến khích and K2 out."""
    round_ = edition.rounds[-1]
    for code, score in (("T3", "77"), ("T4", "58"), ("K2", "40")):
        entry = db.session.scalar(db.select(Entry).where(Entry.code == code))
        set_panel_score(edition, round_, entry, score, "Hội đồng chấm lại", organizer)
    db.session.commit()
    compile_now(edition)
    v2 = pub.publish(edition, organizer, note="Đính chính theo kết luận của hội đồng", now=now)
    db.session.commit()
    return v2


YOUTH_ENTRIES = {
    "Y1": ("Thước kẻ đa năng cho học sinh khiếm thị", "HT", "Trường THCS Tân Trào", "Yên Sơn",
           "Nguyễn Minh Châu|2011-04-15|F;Trần Gia Bảo|2009-12-03|M", (90, 91)),
    "Y2": ("Máy lọc nước mưa mini", "MT", "Trường Tiểu học Kim Bình", "Chiêm Hoá",
           "Lê Hà My|2013-06-21|F", (70, 71)),
}  # fmt: skip
#: What the youth edition's authors and mentors also have, that no public page may show.
YOUTH_PRIVATE = {
    "Y1": [
        {"phone": "0912 345 678", "email": "be.chau@example.vn", "ethnicity": "Tày",
         "class_or_position": "Lớp 9A3"},
        {"phone": "0987654321", "email": "phuhuynh.bao@example.vn", "ethnicity": "Sán Dìu",
         "class_or_position": "Lớp 11B2"},
    ],
    "Y2": [{"phone": "0203 777 888", "email": "hamy2013@example.vn", "ethnicity": "Nùng",
            "class_or_position": "Lớp 6C"}],
}  # fmt: skip
YOUTH_MENTORS = {"Y1": ("0977 111 222", "gvhd.tantrao@example.vn"), "Y2": ("0966 333 444", "")}


def publish_youth(users):
    """The youth edition of ``YOUTH_ENTRIES``; its authors get phone numbers, e-mails,
    ethnicity and class, its entries a mentor's phone and e-mail; compiled and published
    (version 1); returns the edition."""
    edition = build(YOUTH_SLUG, youth_definition(), YOUTH_ENTRIES)
    for code, extras in YOUTH_PRIVATE.items():
        entry = db.session.scalar(db.select(Entry).where(Entry.code == code))
        for author, values in zip(sorted(entry.authors, key=lambda a: a.position), extras,
                                  strict=True):  # fmt: skip
            for key, value in values.items():
                setattr(author, key, value)
        entry.mentor_phone, entry.mentor_email = YOUTH_MENTORS[code]
    db.session.commit()
    pub.publish(edition, users["organizer"])
    db.session.commit()
    return edition


def youth_secrets() -> list[str]:
    """Every private value of the youth edition's authors, in the forms a page could use."""
    out = []
    for _title, _field, _unit, _area, authors, _totals in YOUTH_ENTRIES.values():
        for author in authors.split(";"):
            born = author.split("|")[1]
            year, month, day = born.split("-")
            out += [born, f"{day}/{month}/{year}", f"{day}-{month}-{year}", f"{day}.{month}.{year}"]
    for extras in YOUTH_PRIVATE.values():
        for values in extras:
            out += list(values.values())
            out.append(values["phone"].replace(" ", ""))
    for phone, email in YOUTH_MENTORS.values():
        out += [phone, phone.replace(" ", "")] + ([email] if email else [])
    return out


def pdf_text(data: bytes) -> str:
    """The PDF's text layer in reading order (pdftotext; a table cell's lines stay
    together), NFC."""
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return unicodedata.normalize("NFC", out.stdout.decode("utf-8"))


def pdf_page_png(data: bytes, target: Path, page: int = 1) -> Path:
    """Render ``page`` of the PDF to ``target`` (PNG, 80 dpi) with pdftoppm."""
    source = target.with_suffix(".pdf")
    source.write_bytes(data)
    stem = target.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
         str(source), str(stem)],
        check=True,
    )  # fmt: skip
    return stem.with_suffix(".png")


def xlsx_rows(data: bytes) -> list[tuple]:
    """Every row of the first sheet (values as stored)."""
    workbook = load_workbook(io.BytesIO(data))
    return [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def file_text(data: bytes) -> str:
    """What a person could read in a response body: PDF text, every XLSX/ZIP member's XML
    text (unescaped), or the body decoded."""
    import html
    import zipfile

    if data.startswith(b"%PDF"):
        return pdf_text(data)
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                html.unescape(archive.read(name).decode("utf-8", "replace"))
                for name in archive.namelist()
            )
    return html.unescape(data.decode("utf-8", "replace"))
