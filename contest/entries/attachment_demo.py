"""Sample attachments for the demo entries: every kind the entry's checklist requires, plus a
photo. The files are small but real, made here without extra dependencies — a one-page PDF
(hand-written; the Vietnamese title is in its metadata), a PNG photo drawn with Pillow, a ZIP
for source code and installers — and go through the same storage checks as an upload
(content type, size, thumbnail). Flushes; the caller commits."""

from __future__ import annotations

import io
import unicodedata
import zipfile

from PIL import Image, ImageDraw
from sqlalchemy import select

from ..storage import get_storage
from ..timeutil import utcnow
from . import completeness
from .attachments import POLICIES, FileChanges, store_file
from .models import Attachment, Entry

DOCUMENT_KINDS = ("description", "full_text", "instructions", "unit_confirmation")
TITLES = {
    "description": "Bản thuyết minh",
    "full_text": "Toàn văn giải pháp",
    "instructions": "Hướng dẫn sử dụng",
    "unit_confirmation": "Xác nhận của đơn vị",
}
FILE_NAMES = {
    "description": "Bản thuyết minh.pdf",
    "full_text": "Toàn văn giải pháp.pdf",
    "instructions": "Hướng dẫn sử dụng.pdf",
    "unit_confirmation": "Xác nhận của đơn vị (bản chụp).pdf",
    "photos": "Ảnh sản phẩm.png",
    "source_code": "ma-nguon.zip",
    "installer": "bo-cai-dat.zip",
}


def ascii_text(text: str) -> str:
    """Vietnamese text without its accents (the PDF's built-in font has no Vietnamese)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return plain.replace("\\", "").replace("(", "[").replace(")", "]")


def sample_pdf(title: str, lines: list[str]) -> bytes:
    """A small, well-formed one-page PDF: ``lines`` on the page, ``title`` (Vietnamese,
    UTF-16) in the document information."""
    body = "BT /F1 16 Tf 72 760 Td 20 TL " + " ".join(
        f"({ascii_text(line)}) Tj T*" for line in [title, *lines]
    )
    content = (body + " ET").encode("ascii")
    title_hex = ("feff" + title.encode("utf-16-be").hex()).upper()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title <" + title_hex.encode("ascii") + b"> /Producer (contest demo) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        len(objects),
        xref,
    )
    return bytes(out)


def sample_photo(seed: int, size: tuple[int, int] = (640, 480)) -> bytes:
    """A PNG 'photo': a coloured gradient with a few shapes, different for every ``seed``."""
    width, height = size
    base = ((seed * 53) % 200 + 30, (seed * 97) % 200 + 30, (seed * 29) % 200 + 30)
    image = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 8):
        shade = tuple(min(255, c + y * 60 // height) for c in base)
        draw.rectangle((0, y, width, y + 8), fill=shade)
    draw.ellipse((width // 4, height // 4, width // 2, height // 2 + 40), fill=(240, 240, 220))
    draw.rectangle((width // 2, height // 2, width - 80, height - 60), fill=(60, 60, 70))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def sample_zip(entry: Entry, kind: str) -> bytes:
    """A small ZIP: a README and, for source code, a program file."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", f"{entry.title}\n{entry.code or ''}\n")
        if kind == "source_code":
            archive.writestr("src/main.py", 'print("Xin chao")\n')
    return out.getvalue()


def sample_file(entry: Entry, kind: str) -> bytes:
    """The sample content of ``kind`` for ``entry``."""
    if kind in DOCUMENT_KINDS:
        # Only the unit's confirmation names the unit (organizers only): the documents judges
        # read must not say who made the entry (blind judging).
        unit = [entry.unit_label] if kind == "unit_confirmation" else []
        lines = [entry.title, entry.code or "", *unit, "Tai lieu mau cua ban demo."]
        return sample_pdf(TITLES[kind], lines)
    if kind == "photos":
        return sample_photo(entry.id or 0)
    return sample_zip(entry, kind)


def add_sample_files(entry: Entry, changes: FileChanges | None = None) -> list[Attachment]:
    """Attach a sample file of every required kind (and a photo) ``entry`` lacks."""
    storage = get_storage()
    changes = changes or FileChanges()
    present = {a.kind for a in entry.attachments}
    wanted = [k for k in [*completeness.required_kinds(entry), "photos"] if k in POLICIES]
    created = []
    for kind in dict.fromkeys(wanted):
        if kind in present or kind == "video":
            continue
        stored, thumbnail_key = store_file(
            io.BytesIO(sample_file(entry, kind)), POLICIES[kind], storage, changes
        )
        attachment = Attachment(
            kind=kind,
            original_name=FILE_NAMES[kind],
            storage_key=stored.key,
            content_type=stored.content_type,
            size_bytes=stored.size,
            sha256=stored.sha256,
            thumbnail_key=thumbnail_key,
            created_at=entry.created_at or utcnow(),
        )
        entry.attachments.append(attachment)
        created.append(attachment)
    return created


def seed_sample_attachments(entries: list[Entry] | None = None) -> int:
    """Give every entry (or ``entries``) its missing sample files; return how many were
    made. Idempotent."""
    from ..extensions import db

    if entries is None:
        entries = list(db.session.execute(select(Entry).order_by(Entry.id)).scalars())
    made = sum(len(add_sample_files(entry)) for entry in entries)
    db.session.flush()
    return made
