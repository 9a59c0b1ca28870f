"""One certificate (Giấy chứng nhận) as a PDF page: A4 landscape, WeasyPrint, DejaVu fonts
embedded, every text NFC-normalised.

The page is always in Vietnamese (it is an official paper, whatever language the organizer's
screen is in): the national motto, the organizing units, "GIẤY CHỨNG NHẬN", the author's name,
"Tác giả"/"Đồng tác giả" of the solution (technical contest) or product (youth contest) and its
title, the prize, the edition, "<place>, ngày … tháng … năm …", the signatory block, and the
verification code with a QR code of the public verification page's absolute URL. That URL is
built from ``PUBLIC_BASE_URL`` (printed papers outlive any request; never the Host header).
Rendered from ``templates/certificates/certificate_pdf.html`` and
``static/css/certificate.css``; only ``data:`` URLs (the QR image) are fetched.
"""

from __future__ import annotations

import base64
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app, render_template

from ..text import nfc
from .models import Certificate, CertificateBatch

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "certificate.css"
DEFAULT_PLACE = "Tuyên Quang"
DEFAULT_SIGNATORY_TITLE = "TM. BAN TỔ CHỨC\nTRƯỞNG BAN"
#: QR code: pixels per module and quiet zone (modules) of the PNG.
QR_SCALE = 8
QR_BORDER = 4


@dataclass(frozen=True)
class PrintSettings:
    """What a generation prints besides the certificate itself (stored on the batch)."""

    place: str
    certificate_date: date
    signatory_title: str
    signatory_name: str
    organizing_units: str

    @classmethod
    def from_batch(cls, batch: CertificateBatch) -> PrintSettings:
        return cls(
            batch.place,
            batch.certificate_date,
            batch.signatory_title,
            batch.signatory_name,
            batch.organizing_units,
        )


def unit_lines(organizing_units: str | None) -> list[str]:
    """The organizing units one per line (the edition form asks for one per line; a single
    line with semicolons is split on them)."""
    text = nfc(organizing_units).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) == 1 and ";" in lines[0]:
        lines = [part.strip() for part in lines[0].split(";") if part.strip()]
    return lines


def vietnamese_date(place: str, day: date) -> str:
    """``Tuyên Quang, ngày 05 tháng 02 năm 2026``: a day below 10 and the months 1 and 2 are
    written with a leading zero, as on administrative documents (Decree 30/2020/NĐ-CP)."""
    day_text = f"{day.day:02d}"
    month_text = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day_text} tháng {month_text} năm {day.year}"
    place = nfc(place).strip()
    return f"{place}, {text}" if place else text.capitalize()


def verify_url(code: str) -> str:
    """The absolute URL of the public verification page of ``code`` (canonical or display
    form), on ``PUBLIC_BASE_URL``."""
    from .operations import format_code, normalize_code

    canonical = normalize_code(code) or code
    path = current_app.url_map.bind("localhost").build(
        "verify.certificate", {"cert_code": format_code(canonical)}
    )
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + path


def lookup_url() -> str:
    """The absolute URL of the public page where a code can be typed."""
    path = current_app.url_map.bind("localhost").build("verify.lookup", {})
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + path


def qr_png(url: str) -> bytes:
    """A QR code of ``url`` as PNG bytes (segno; error correction M or better)."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return out.getvalue()


def data_uri(png: bytes) -> str:
    """``data:image/png;base64,…``."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(certificate: Certificate, settings: PrintSettings, kind: str) -> str:
    """The certificate page as HTML (``kind``: the edition's contest, 'technical' or
    'youth')."""
    url = verify_url(certificate.code)
    return render_template(
        "certificates/certificate_pdf.html",
        author_name=nfc(certificate.author_name),
        role="Đồng tác giả" if certificate.co_authored else "Tác giả",
        thing="giải pháp" if kind == "technical" else "sản phẩm",
        entry_title=nfc(certificate.entry_title),
        prize_name=nfc(certificate.prize_name),
        edition_title=nfc(certificate.edition_title),
        units=unit_lines(settings.organizing_units),
        place_date=vietnamese_date(settings.place, settings.certificate_date),
        signatory_lines=[
            nfc(x).strip() for x in settings.signatory_title.splitlines() if x.strip()
        ],
        signatory_name=nfc(settings.signatory_name).strip(),
        code=certificate.display_code,
        verify_url=url,
        lookup_url=lookup_url(),
        qr=data_uri(qr_png(url)),
        revoked=certificate.revoked_at is not None,
    )


class Renderer:
    """Renders many certificates with one parsed stylesheet."""

    def __init__(self) -> None:
        from weasyprint import CSS
        from weasyprint.urls import URLFetcher

        self.fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
        self.stylesheet = CSS(filename=str(STYLESHEET), url_fetcher=self.fetcher)

    def pdf(self, certificate: Certificate, settings: PrintSettings, kind: str) -> bytes:
        """One certificate as PDF bytes."""
        from weasyprint import HTML

        html = render_html(certificate, settings, kind)
        return HTML(string=html, url_fetcher=self.fetcher).write_pdf(stylesheets=[self.stylesheet])


def render_pdf(certificate: Certificate, settings: PrintSettings, kind: str) -> bytes:
    """One certificate as PDF bytes."""
    return Renderer().pdf(certificate, settings, kind)


_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def ascii_name(text: str) -> str:
    """``Nguyễn Văn Ánh`` → ``Nguyen-Van-Anh``: letters without marks, đ → d, other
    characters → ``-`` (safe in any file system and ZIP tool)."""
    text = nfc(text).replace("đ", "d").replace("Đ", "D")
    bare = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    return _UNSAFE.sub("-", bare).strip("-")


def file_name(certificate: Certificate) -> str:
    """``STKT25-CNTT-001_1_Nguyen-Van-A.pdf``: entry code, author position, name."""
    code = ascii_name(certificate.entry_code) or f"entry-{certificate.entry_id}"
    name = ascii_name(certificate.author_name)[:60].strip("-") or "tac-gia"
    return f"{code}_{certificate.author_position}_{name}.pdf"
