"""Real files for the document scan tests: PDFs rendered with WeasyPrint (Vietnamese text, a
page that is only a picture, as a scanned page is), DOCX files written with python-docx, and
pictures drawn with Pillow; and a helper that stores one as an entry's attachment."""

from __future__ import annotations

import base64
import io
from html import escape

from contest import file_types as ft
from contest.entries.models import Attachment
from tests import factories


def png(width: int = 400, height: int = 300) -> bytes:
    """A picture without any text layer (shapes only)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, width - 20, height - 20), outline="black", width=5)
    draw.ellipse((60, 60, width - 60, height - 60), fill="grey")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    """A photo (JPEG)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(out, "JPEG")
    return out.getvalue()


def pdf(pages: list[str | None]) -> bytes:
    """A PDF with one page per item: its text, or (None) only a picture, as a scanned page."""
    from weasyprint import HTML

    picture = "data:image/png;base64," + base64.b64encode(png()).decode()
    parts = []
    for text in pages:
        body = f'<img src="{picture}" width="400">' if text is None else f"<p>{escape(text)}</p>"
        parts.append(f'<section style="page-break-after: always">{body}</section>')
    html = (
        '<html lang="vi"><head><meta charset="utf-8"><style>body{font-family:"DejaVu Sans"}'
        f"</style></head><body>{''.join(parts)}</body></html>"
    )
    return HTML(string=html).write_pdf()


def docx(paragraphs: list[str], table: list[list[str]] = (), header: str = "") -> bytes:
    """A DOCX with ``paragraphs``, an optional table and an optional page header."""
    import docx as python_docx

    document = python_docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    if header:
        document.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def attach(entry, data: bytes, content_type: str, kind: str, name: str) -> Attachment:
    """Store ``data`` and attach it to ``entry`` as a file of ``kind`` (committed)."""
    return factories.make_attachment(
        entry, kind, content=data, content_type=content_type, original_name=name, category="entries"
    )


PDF, DOCX, JPEG = ft.PDF, ft.DOCX, ft.JPEG
