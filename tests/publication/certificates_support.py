"""Set-up for the certificates tests: the publication tests' edition, with Vietnamese names
and a real title on A1 (two authors), published as version 1; corrections as version 2."""

from __future__ import annotations

import io
import subprocess
import zipfile

from PIL import Image
from sqlalchemy import select

from contest.certificates import pdf as certificate_pdf
from contest.certificates.models import Certificate
from contest.entries.models import Author, Entry
from contest.extensions import db
from contest.jobs.operations import commit
from contest.publication import operations as pub
from contest.publication.models import Publication
from contest.results import decisions
from contest.results.compile import latest_run
from tests.publication.helpers import compiled_edition, entry_id, resolve_flags

A1_TITLE = "Hệ thống tưới nhỏ giọt tự động cho đồi chè Tân Trào"
A1_AUTHORS = ("Nguyễn Thị Ánh Tuyết", "Đặng Văn Hưởng")
A1_SECOND_CORRECTED = "Đặng Văn Hướng"
# v1 winners: A1 first (2 authors), A2 second, A3 second, A4 third, A5 merit, B1 first.
V1_CERTIFICATES = 7


def published_edition(runner, tmp_path, organizer):
    """The edition with A1 renamed and co-authored, flags resolved, version 1 published and
    committed; returns (edition, v1)."""
    edition = compiled_edition(runner, tmp_path)
    resolve_flags(edition, organizer)
    a1 = db.session.get(Entry, entry_id("A1"))
    a1.title = A1_TITLE
    a1.authors[0].full_name = A1_AUTHORS[0]
    a1.authors.append(Author(position=2, full_name=A1_AUTHORS[1], gender="M", phone="0912345678"))
    db.session.commit()
    v1 = pub.publish(edition, organizer, posting_days=15)
    commit()
    return edition, v1


def decide(edition, code: str, prize: str | None, organizer, reason="Phúc khảo") -> None:
    """An organizers' decision on the latest run (committed)."""
    round_ = edition.rounds[-1]
    decisions.decide(edition, round_, latest_run(round_), entry_id(code), prize, reason, organizer)
    db.session.commit()


def withdraw(edition, code: str, organizer, reason="Hủy quyết định") -> None:
    """Withdraw the entry's active decision (back to the computed prize; committed)."""
    decision = decisions.active_decisions(edition.rounds[-1])[entry_id(code)]
    decisions.withdraw(edition, decision, reason, organizer)
    db.session.commit()


def correct(edition, organizer, note="Đính chính sau khiếu nại") -> Publication:
    """Publish the next version (committed, hooks included)."""
    publication = pub.publish(edition, organizer, posting_days=0, note=note)
    commit()
    return publication


def rename_author(code: str, position: int, name: str) -> None:
    entry = db.session.get(Entry, entry_id(code))
    next(a for a in entry.authors if a.position == position).full_name = name
    db.session.commit()


def by_slot() -> dict[tuple[str, int], list[Certificate]]:
    """Every certificate by (entry code, author position), oldest first."""
    out: dict[tuple[str, int], list[Certificate]] = {}
    for c in db.session.scalars(select(Certificate).order_by(Certificate.id)):
        out.setdefault((c.entry_code, c.author_position), []).append(c)
    return out


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF (pdftotext)."""
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def pdf_fonts(data: bytes, tmp_path) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) of each font of a PDF (pdffonts)."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    rows = []
    for line in done.stdout.splitlines()[2:]:
        parts = line.split()
        # name type [type…] encoding emb sub uni object ID
        rows.append((parts[0], parts[-5]))
    return rows


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def qr_image(pdf: bytes, tmp_path) -> Image.Image:
    """The QR image embedded in a certificate PDF (pdfimages: the exact pixels)."""
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdfimages", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "img")], check=True
    )
    (png,) = sorted(tmp_path.glob("img-*.png"))
    with Image.open(png) as image:
        return image.convert("L")


def assert_qr_encodes(image: Image.Image, url: str) -> None:
    """The image is exactly the QR code of ``url`` (segno's matrix, module by module), and a
    decoder reads ``url`` back when zxing-cpp is installed."""
    import segno

    expected = segno.make(url, error="m")
    size = len(expected.matrix)
    scale, border = certificate_pdf.QR_SCALE, certificate_pdf.QR_BORDER
    assert image.size == ((size + 2 * border) * scale,) * 2
    for row in range(size):
        for col in range(size):
            x, y = (border + col) * scale + scale // 2, (border + row) * scale + scale // 2
            dark = image.getpixel((x, y)) < 128
            assert dark == bool(expected.matrix[row][col]), (row, col)
    try:
        import zxingcpp
    except ImportError:
        return
    (found,) = zxingcpp.read_barcodes(image)
    assert found.text == url
