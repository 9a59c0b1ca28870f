"""Blind judging (issue 5 §4): log in as a judge, crawl every page reachable from the judge's
home (every same-site link and image, GET only), the attachment downloads' headers and the
e-mails sent to the judge, and find no author, unit, area, mentor or original file name of any
entry anywhere — bodies, headers, titles."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from contest.areas.models import AreaLevel
from contest.entries.attachment_demo import add_sample_files
from contest.extensions import db
from contest.jobs.operations import commit
from contest.judging import assigning, sheets
from tests import factories
from tests.judging.conftest import make_entry
from tests.judging_ui import judge_fixtures

# The judge pages' fixtures (the package conftest.py serves the organizer pages).
judges = judge_fixtures.judges
open_edition = judge_fixtures.open_edition

SECRETS = (
    "Nguyễn Tácgiả Bímật",
    "Lê Đồngtácgiả Bímật",
    "Trường Bímật",
    "Thầy Hướngdẫn Bímật",
    "Bímật",  # the common part, whatever the surrounding words
)
# Area names are global data: the judge's own profile offers every area to choose from, which
# says nothing about any entry. They must not appear on the judging pages, files and e-mails.
AREA_SECRETS = ("Huyện Kínđáo", "Xã Kínđáo", "Kínđáo")
JUDGING_PATHS = ("/judge/",)
LINK = re.compile(r"""(?:href|src|action)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
MAX_PAGES = 300


def _ascii(text: str) -> str:
    """Without accents (file names and headers are often transliterated)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _leaks(text: str, secrets=SECRETS + AREA_SECRETS) -> list[str]:
    """The secrets found in ``text`` (raw, HTML-unescaped, URL-decoded, accents dropped)."""
    forms = {text, html.unescape(text), unquote(text)}
    forms |= {_ascii(f) for f in list(forms)}
    forms = {unicodedata.normalize("NFC", f).casefold() for f in forms}
    found = []
    for secret in secrets:
        needles = {unicodedata.normalize("NFC", secret).casefold(), _ascii(secret).casefold()}
        if any(n in f for n in needles for f in forms):
            found.append(secret)
    return found


def _secret_entry(edition, code, area, unit):
    """An accepted entry whose authors, unit, area, mentor and file names all say "Bímật"."""
    entry = make_entry(
        edition,
        code,
        authors=("Nguyễn Tácgiả Bímật", "Lê Đồngtácgiả Bímật"),
        unit=unit,
        unit_name="Trường Bímật",
        area=area,
        mentor_name="Thầy Hướngdẫn Bímật",
        mentor_email="bimat@example.vn",
        organisation="Trường Bímật",
    )
    for attachment in add_sample_files(entry):
        attachment.original_name = f"Nguyễn Tácgiả Bímật - {attachment.kind} - Trường Bímật.bin"
    db.session.commit()
    return entry


@dataclass
class Page:
    """What the crawl kept of one response."""

    status: int
    mimetype: str
    headers: str
    text: str


def _fetch(client, path: str) -> tuple[Page, str | None]:
    """GET ``path``; the page (text bodies only) and where it redirects. Closes the response
    (downloads are streamed files)."""
    response = client.get(path)
    try:
        textual = response.mimetype.startswith("text/") or response.mimetype == "application/json"
        page = Page(
            response.status_code,
            response.mimetype,
            "\n".join(f"{k}: {v}" for k, v in response.headers.items()),
            response.get_data(as_text=True) if textual else "",
        )
        location = (
            response.headers.get("Location") if response.status_code in (301, 302, 303) else None
        )
    finally:
        response.close()
    return page, location


def _crawl(client, start: str) -> dict[str, Page]:
    """GET every same-site URL reachable from ``start``; ``{path: page}``."""
    seen: dict[str, Page] = {}
    queue = [start]
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in ("localhost", "127.0.0.1"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen or path.startswith("/static/") or not path.startswith("/"):
            continue
        page, location = _fetch(client, path)
        seen[path] = page
        if location:
            queue.append(urljoin(path, location))
        if page.mimetype == "text/html":
            for link in LINK.findall(page.text):
                link = html.unescape(link).split("#")[0]
                if link and not link.startswith(("mailto:", "tel:", "javascript:")):
                    queue.append(urljoin(path, link))
    return seen


def test_a_judge_can_reach_nothing_that_names_an_author(
    client, login, open_edition, final, judges, outbox
):
    province = factories.make_area("Tỉnh Thử", AreaLevel.PROVINCE)
    district = factories.make_area("Huyện Kínđáo", AreaLevel.DISTRICT, parent=province)
    commune = factories.make_area("Xã Kínđáo", AreaLevel.COMMUNE, parent=district)
    unit = factories.make_unit("Trường Bímật", district, "other")
    judged = _secret_entry(open_edition, "STKT-CNTT-007", commune, unit)
    drafted = _secret_entry(open_edition, "STKT-CNTT-008", commune, unit)
    submitted = _secret_entry(open_edition, "STKT-CNTT-009", commune, unit)
    hidden = _secret_entry(open_edition, "STKT-CNTT-010", commune, unit)  # not assigned
    an = judges[0]
    for entry in (judged, drafted, submitted):
        assigning.assign_judges_to_entry(open_edition, final, entry, [an], None)
    db.session.commit()
    sheet = sheets.open_sheet(an, drafted, final)
    sheets.save_draft(sheet, an, {"novelty": "5"}, "Ghi chú", 1)
    sheet = sheets.open_sheet(an, submitted, final)
    full = {c.id: "1" for c in open_edition.active_criteria}
    sheets.save_draft(sheet, an, full, "", 1)
    sheets.submit(sheet, an, sheet.version)
    db.session.commit()

    # The e-mails a judge gets (the daily reminder) name no author either.
    from contest.judging import reminders

    reminders.send_reminders()
    commit()

    login(an)
    pages = _crawl(client, "/judge/")
    visited = set(pages)
    for entry in (judged, drafted, submitted):
        assert f"/judge/entries/{entry.id}" in visited
        assert f"/judge/entries/{entry.id}/sheet/{final.id}" in visited
    downloads = [p for p in visited if re.fullmatch(r"/judge/attachments/\d+", p)]
    thumbnails = [p for p in visited if re.fullmatch(r"/judge/attachments/\d+/thumbnail", p)]
    assert len(downloads) >= 3 * 2 and len(thumbnails) >= 3, visited
    assert all(pages[p].status == 200 for p in downloads + thumbnails)
    assert not any(f"/judge/entries/{hidden.id}" in p for p in visited)

    leaks = []
    for path, page in pages.items():
        secrets = SECRETS + AREA_SECRETS if path.startswith(JUDGING_PATHS) else SECRETS
        for secret in _leaks(page.headers, secrets):
            leaks.append(f"{path} headers: {secret}")
        if page.text:
            for secret in _leaks(page.text, secrets):
                leaks.append(f"{path} body: {secret}")
    mails = [m for m in outbox if an.email in str(getattr(m, "to", m))]
    assert mails, "the judge should have been reminded"
    for message in mails:
        for secret in _leaks(str(message)):
            leaks.append(f"e-mail to the judge: {secret}")
    assert not leaks, "\n".join(leaks)

    # Sanity: the same check finds the secrets where they may be (the organizer's download
    # keeps the original file name), so a silent checker cannot pass this test.
    client.post("/logout")
    login(factories.make_user("btc2@example.vn", ("organizer",)))
    organizer_page, _ = _fetch(client, downloads[0].removeprefix("/judge"))
    assert "Bímật" in _leaks(organizer_page.headers)
