"""Files that carry their authors' names in their metadata (not in their content), and a
technical edition whose judging is open now with an accepted entry assigned to a judge."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import timedelta

import docx
import pikepdf
from PIL import Image, PngImagePlugin

from contest.accounts.models import Role
from contest.extensions import db
from contest.judging import assigning
from contest.timeutil import utcnow
from tests import factories
from tests.judging.conftest import make_entry

NAME = "Phạm Bé Một"
ASCII_NAME = "Pham Be Mot"
UNIT = "Trường THPT Chiêm Hóa"


def name_bytes() -> list[bytes]:
    """Every encoding of the names a file may hold them in."""
    out = []
    for text in (NAME, ASCII_NAME, UNIT, "Chiem Hoa"):
        out += [text.encode("utf-8"), text.encode("utf-16-be"), text.encode("utf-16-le")]
    return out


def leaked(data: bytes) -> list[bytes]:
    """The encodings of the names found in ``data`` (in every member of a ZIP: DOCX)."""
    found = [b for b in name_bytes() if b in data]
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                found += [f"{member}: ".encode() + b for b in leaked(archive.read(member))]
    return found


def _xmp(text: str) -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator><rdf:Seq><rdf:li>{text}</rdf:li></rdf:Seq></dc:creator>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def pdf_with_names() -> bytes:
    """A one-page PDF whose document info, XMP and a comment's author name the author and
    the school."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    comment = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Text,
        Rect=[10, 10, 30, 30],
        T=pikepdf.String(NAME),
        Contents=pikepdf.String("Ghi chú"),
    )
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(comment)]))
    pdf.docinfo["/Author"] = NAME
    pdf.docinfo["/Creator"] = ASCII_NAME
    pdf.docinfo["/Subject"] = UNIT
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [NAME]
        meta["pdf:Producer"] = ASCII_NAME
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = ASCII_NAME  # Artist
    exif[0x8298] = f"(c) {ASCII_NAME}, {UNIT}"  # Copyright (UTF-8 in an ASCII tag)
    exif[0x0112] = orientation
    return exif


def _iptc_segment() -> bytes:
    """An APP13 (Photoshop 3.0) segment with an IPTC By-line (2:80)."""
    byline = NAME.encode()
    iptc = b"\x1c\x02\x50" + struct.pack(">H", len(byline)) + byline
    if len(iptc) % 2:
        iptc += b"\0"
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(iptc)) + iptc
    body = b"Photoshop 3.0\0" + resource
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def jpeg_with_names(size=(64, 32), orientation: int = 1) -> bytes:
    """A JPEG with EXIF Artist/Copyright (and an orientation), XMP and IPTC By-line."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(
        out,
        "JPEG",
        quality=85,
        exif=_exif(orientation).tobytes(),
        xmp=_xmp(NAME),
        comment=ASCII_NAME.encode(),
    )
    data = out.getvalue()
    return data[:2] + _iptc_segment() + data[2:]


def png_with_names() -> bytes:
    """A PNG with tEXt, zTXt and iTXt chunks (XMP included) and an eXIf chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", ASCII_NAME)
    info.add_text("Copyright", UNIT, zip=True)
    info.add_itxt("Description", NAME)
    info.add_itxt("XML:com.adobe.xmp", _xmp(NAME).decode())
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (10, 20, 30, 128)).save(
        out, "PNG", pnginfo=info, exif=_exif().tobytes()
    )
    return out.getvalue()


def webp_with_names() -> bytes:
    """A WebP with EXIF and XMP chunks."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 90)).save(
        out, "WEBP", exif=_exif().tobytes(), xmp=_xmp(NAME)
    )
    return out.getvalue()


def docx_with_names() -> bytes:
    """A DOCX whose core properties and a comment name the author."""
    document = docx.Document()
    paragraph = document.add_paragraph("Bản thuyết minh giải pháp.")
    document.core_properties.author = NAME
    document.core_properties.last_modified_by = ASCII_NAME
    document.core_properties.comments = UNIT
    document.add_comment(paragraph.runs, text="Sửa lại", author=NAME, initials="PBM")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def judging_setup(organizer):
    """A technical edition judging now, an accepted CNTT entry, and a judge assigned to it."""
    now = utcnow()
    edition = factories.make_edition(
        "technical",
        "stkt-ban-sao",
        "Hội thi STKT (bản sao)",
        now - timedelta(days=5),
        organizer,
        judging_starts_at=now - timedelta(days=1),
        judging_ends_at=now + timedelta(days=10),
    )
    judge = factories.make_user("gk-ban-sao@example.vn", (Role.JUDGE,), full_name="Đỗ Giám Khảo")
    entry = make_entry(edition, "STKT-CNTT-001", authors=(NAME,))
    assigning.assign_judges_to_entry(edition, edition.rounds[0], entry, [judge], None)
    db.session.commit()
    return edition, entry, judge
