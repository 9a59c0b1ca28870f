"""Hand-made XLSX files: a valid workbook whose sheet or shared strings are replaced by
crafted XML (entity bombs, external entities, escaped control characters)."""

from __future__ import annotations

import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"

BOMB_DTD = (
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]>"
)
BOMB_REF = "&j;"
EXTERNAL_DTD = '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
EXTERNAL_REF = "&x;"


def _base() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ma", "ho_ten"])
    sheet.append(["A1", "Nguyễn An"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rewrite(replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_base()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name in replace:
                data = replace[name]
            target.writestr(name, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def _row(number: int, cells: list[str]) -> str:
    inner = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
        for i, text in enumerate(cells)
    )
    return f'<row r="{number}">{inner}</row>'


def sheet_xml(rows: list[list[str]], dtd: str = "") -> bytes:
    """A worksheet of inline strings (cell texts are raw XML) after an optional DTD. Its
    ``dimension`` comes first, so that openpyxl's read-only mode opens the file and meets
    the rows (and whatever they hold) only while iterating."""
    body = "".join(_row(n, cells) for n, cells in enumerate(rows, start=1))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{dtd}'
        f'<worksheet xmlns="{MAIN}"><dimension ref="A1:B{len(rows)}"/>'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def padded(rows: list[list[str]], count: int = 2000) -> list[list[str]]:
    """``rows`` after a header and ``count`` ordinary rows (the parser reads in chunks: the
    crafted rows must lie beyond the first one)."""
    return [["ma", "ho_ten"], *([f"A{n}", "Nguyễn An"] for n in range(count)), *rows]


def with_sheet(rows: list[list[str]], dtd: str = "") -> bytes:
    """An XLSX whose first sheet holds ``rows`` (raw XML texts) after ``dtd``."""
    return _rewrite({"xl/worksheets/sheet1.xml": sheet_xml(rows, dtd)})


def with_shared_strings(strings_xml: str, dtd: str = "") -> bytes:
    """An XLSX with a shared-strings part made of ``strings_xml`` (``<si>`` items)."""
    source = zipfile.ZipFile(io.BytesIO(_base()))
    types = source.read("[Content_Types].xml").decode()
    types = types.replace(
        "</Types>",
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_CT}"/></Types>',
    )
    rels = source.read("xl/_rels/workbook.xml.rels").decode()
    rels = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdS" Type="{SHARED_REL}" Target="sharedStrings.xml"/></Relationships>',
    )
    shared = (
        f'<?xml version="1.0" encoding="UTF-8"?>{dtd}<sst xmlns="{MAIN}">{strings_xml}</sst>'
    ).encode()
    return _rewrite(
        {"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": rels.encode()},
        {"xl/sharedStrings.xml": shared},
    )
