"""Every GET page of every role speaks the user's language, in Vietnamese and in English.

The crawl reuses the access-matrix world (one user per role, ids for every route) and adds
every result flag, a compile job and audit entries with details to its edition. Each page a
persona may open is rendered in both languages and its visible text (tags, scripts, styles
attribute values and ``<code>`` / ``<kbd>`` literals stripped) must not contain:

* a raw result flag (``DISCREPANCY`` …) or, in Vietnamese, a raw status code (``submitted``
  …) or, on visitors' pages, a criterion code (``novelty``); in English these are ordinary
  words;
* a dotted audit key (``judging.scores_import``) outside URLs, e-mail addresses and file
  names;
* a number in scientific notation (``2E+1``);
* a doubled word ("Vòng Vòng");
* an edition's slug used as the page's ``<title>`` or ``<h1>`` (or one ``·`` part of it);
* a form control without a label (``<label for>``, an enclosing ``<label>``, ``aria-label``
  or ``aria-labelledby``; hidden inputs and buttons excepted).

Proper nouns and accepted terms go on :data:`ALLOWED`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from contest.audit.operations import record
from contest.contests.models import Edition
from contest.extensions import db
from contest.jobs.models import JobStatus
from contest.jobs.operations import create_job
from tests.test_access_matrix import (  # noqa: F401 - fixtures
    MATRIX,
    PERSONAS,
    _client_for,
    _rules,
    _url,
    login_as,
    world,
)

FLAGS = ("DISCREPANCY", "INCOMPLETE", "TIE_AT_QUOTA", "PANEL_SCORE", "ADVANCED")
STATUS_CODES = (
    "draft", "submitted", "received", "accepted", "rejected", "withdrawn",
    "pending", "queued", "running", "succeeded", "failed",
)  # fmt: skip
#: Dotted words that are not audit keys (proper nouns, product names).
ALLOWED = {"node.js", "e.g", "i.e"}
#: Doubled words that are right (none yet).
ALLOWED_DOUBLES: set[str] = set()
FILE_EXTENSIONS = {
    "pdf", "xlsx", "xls", "docx", "doc", "csv", "json", "jpg", "jpeg", "png", "zip", "mp4",
    "txt", "eml", "odt", "ods", "webp", "mov", "apk", "exe", "md",
}  # fmt: skip

BLOCK_TAGS = {
    "p", "div", "li", "td", "th", "tr", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "option", "br", "section", "article", "header", "footer", "nav", "main", "label",
    "button", "legend", "caption", "title", "ul", "ol", "table", "form", "fieldset", "hr",
    "summary", "details", "figcaption", "blockquote", "pre", "aside", "a", "small",
}  # fmt: skip
#: Not read as text: scripts, styles, and literal values a user types (file columns, codes).
LITERAL_TAGS = {"script", "style", "template", "code", "kbd"}
SKIP_CONTROLS = {"hidden", "submit", "button", "reset", "image"}

DOTTED = re.compile(r"\b([a-z_]+)\.([a-z_]+)\b")
SCIENTIFIC = re.compile(r"\d[Ee][+-]\d")
DOUBLED = re.compile(r"\b(\w+) \1\b", re.IGNORECASE | re.UNICODE)
URL_OR_MAIL = re.compile(r"(https?://\S+|\S+@\S+|www\.\S+|/\S+)")


class Page(HTMLParser):
    """The visible text, the title, the h1 and the form controls of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skip = 0
        self.title = ""
        self.h1 = ""
        self._in: list[str] = []
        self.label_for: set[str] = set()
        self.label_depth = 0
        self.controls: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in LITERAL_TAGS:
            self.skip += 1
        if tag in BLOCK_TAGS:
            self.chunks.append("\n")
        if tag in ("title", "h1"):
            self._in.append(tag)
        if tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea"):
            kind = (a.get("type") or "text").lower() if tag == "input" else tag
            if kind not in SKIP_CONTROLS:
                self.controls.append({**a, "_tag": tag, "_wrapped": self.label_depth > 0})

    def handle_endtag(self, tag):
        if tag in LITERAL_TAGS:
            self.skip = max(0, self.skip - 1)
        if tag in BLOCK_TAGS:
            self.chunks.append("\n")
        if tag in ("title", "h1") and self._in and self._in[-1] == tag:
            self._in.pop()
        if tag == "label":
            self.label_depth = max(0, self.label_depth - 1)

    def handle_data(self, data):
        if self.skip:
            return
        self.chunks.append(data)
        if "title" in self._in:
            self.title += data
        if "h1" in self._in:
            self.h1 += data

    @property
    def text(self) -> str:
        return re.sub(r"[ \t\r\f\v\u00a0]+", " ", "".join(self.chunks))

    def unlabelled(self) -> list[str]:
        out = []
        for c in self.controls:
            named = c.get("aria-label") or c.get("aria-labelledby") or c["_wrapped"]
            if not named and not (c.get("id") and c["id"] in self.label_for):
                out.append(f"<{c['_tag']} name={c.get('name')!r} id={c.get('id')!r}>")
        return out


def problems(html: str, slugs: set[str], lang: str, codes: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with the page ``html`` (empty: nothing); ``codes`` are further codes
    that must not show (criterion codes on visitors' pages)."""
    page = Page()
    page.feed(html)
    text = page.text
    found = []
    for flag in FLAGS:
        if re.search(rf"\b{flag}\b", text):
            found.append(f"raw flag {flag}")
    for code in codes:
        if re.search(rf"(?<![\w.-]){re.escape(code)}(?![\w.-])", text):
            found.append(f"raw code {code}")
    if lang == "vi":
        for code in STATUS_CODES:
            if re.search(rf"(?<![\w.-]){code}(?![\w.-])", text):
                found.append(f"raw status {code}")
    for line in text.splitlines():
        bare = URL_OR_MAIL.sub(" ", line)
        for m in DOTTED.finditer(bare):
            word = m.group(0)
            if m.group(2) in FILE_EXTENSIONS or word.lower() in ALLOWED:
                continue
            found.append(f"dotted key {word!r} in {line.strip()[:80]!r}")
        if SCIENTIFIC.search(line):
            found.append(f"scientific notation in {line.strip()[:80]!r}")
        for m in DOUBLED.finditer(line):
            if m.group(1).lower() not in ALLOWED_DOUBLES and not m.group(1).isdigit():
                found.append(f"doubled word {m.group(0)!r} in {line.strip()[:80]!r}")
    for what, value in (("title", page.title), ("h1", page.h1)):
        parts = {p.strip() for p in re.split(r"[·—|]", value)}
        if parts & slugs:
            found.append(f"slug as {what}: {value.strip()!r}")
    found += [f"unlabelled {c}" for c in page.unlabelled()]
    return found


def _add_every_flag(values: dict, users: dict) -> list[str]:
    """Rows with every flag on the world's first run, a finished compile job whose page is
    crawled, and audit entries with details on the world's edition; returns the organizers'
    extra URLs (the flagged run's review page)."""
    from contest.results.models import ResultRow, ResultsRun

    edition = db.session.scalars(db.select(Edition).where(Edition.slug == values["slug"])).one()
    run = db.session.scalars(
        db.select(ResultsRun).where(ResultsRun.edition_id == edition.id).order_by(ResultsRun.id)
    ).first()
    entry_id = values["entry_id"]
    row = db.session.scalars(
        db.select(ResultRow).where(ResultRow.run_id == run.id, ResultRow.entry_id == entry_id)
    ).first()
    if row is None:
        from contest.entries.models import Entry

        entry = db.session.get(Entry, entry_id)
        row = ResultRow(
            run_id=run.id,
            entry_id=entry_id,
            position=1
            + (
                db.session.scalar(
                    db.select(db.func.max(ResultRow.position)).where(ResultRow.run_id == run.id)
                )
                or 0
            ),
            entry_code=entry.code or "HS1",
            field_code=entry.field.code,
            group_key=entry.field.code,
        )
        db.session.add(row)
    row.flags = ";".join(FLAGS)
    job = create_job(
        "results.compile", {"edition_id": edition.id, "round_id": run.round_id}, users["organizer"]
    )
    job.status = JobStatus.SUCCEEDED.value
    job.result = {
        "run_id": run.id,
        "number": run.number,
        "created": True,
        "round": run.round.code,
        "fingerprint": "f" * 64,
        "entries": 1,
        "ranked": 0,
        "prizes": {},
        "flags": {flag: 1 for flag in FLAGS},
    }
    organizer = users["organizer"]
    record(organizer, "judging.scores_import", "edition", edition.id, filename="diem.xlsx",
           round=run.round.code, created=100, updated=20, unchanged=0)  # fmt: skip
    record(organizer, "publication.publish", "edition", edition.id, version=2, run=run.number)
    record(organizer, "judging.assign", "edition", edition.id, pairs=[[1, 2]])
    db.session.commit()
    values["job_id"] = job.id
    slug, code = edition.slug, run.round.code
    return [
        f"/organizer/results/{slug}?round={code}",
        f"/organizer/results/{slug}?round={code}&flag=DISCREPANCY",
        f"/organizer/results/job/{job.id}",
    ]


def _set_language(client, lang: str) -> None:
    response = client.post(f"/lang/{lang}", data={"next": "/"})
    assert response.status_code in (302, 303), response.status_code


def test_every_page_speaks_plain_language(app, users, world, login_as):  # noqa: F811
    extra = _add_every_flag(world, users)
    slugs = set(db.session.scalars(db.select(Edition.slug)))
    criteria = tuple(
        c.code
        for e in db.session.scalars(db.select(Edition))
        for c in e.criteria
        if c.code.isalpha() and c.code.islower()
    )
    failures: list[str] = []
    seen: dict[tuple[str, str, str], str] = {}
    pages = controls = 0
    for persona in PERSONAS:
        client = _client_for(app, users, persona, login_as)
        for lang in ("vi", "en"):
            _set_language(client, lang)
            urls = [
                _url(app, rule, world)
                for rule in _rules(app)
                if MATRIX[rule.endpoint].get
                and "GET" in rule.methods
                and MATRIX[rule.endpoint].expected(persona) == 200
                # the admin sees the organizers' pages as they do: crawled once, for them
                and not (persona == "admin" and MATRIX[rule.endpoint].expected("organizer") == 200)
            ]
            if persona == "organizer":
                urls += extra
            for url in urls:
                response = client.get(url)
                if response.status_code != 200 or response.mimetype != "text/html":
                    response.close()  # a download's file is open until its body is closed
                    continue
                pages += 1
                html = response.get_data(as_text=True)
                controls += html.count("<input") + html.count("<select")
                seen[(persona, lang, url)] = html
                # criterion codes are English words: checked on Vietnamese pages only
                codes = criteria if persona == "anonymous" and lang == "vi" else ()
                for problem in problems(html, slugs, lang, codes):
                    failures.append(f"{persona} {lang} {url}: {problem}")
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(sorted(set(failures)))
    assert pages > 100 and controls > 100
    review = seen[("organizer", "vi", extra[0])]
    assert "Chênh lệch điểm giữa giám khảo" in review and "Vào vòng sau" in review
    assert "Lần tổng hợp số" in seen[("organizer", "vi", f"/jobs/{world['job_id']}")]
    audit = seen[("organizer", "vi", f"/organizer/editions/{world['slug']}/audit")]
    assert "nhập 120 phiếu chấm từ tệp diem.xlsx" in audit


def test_the_checks_catch_what_they_should():
    """Each rule fires on a page that breaks it, and not on one that keeps it."""
    slugs = {"ttnnd-tuyen-quang-8"}
    bad = (
        "<html><head><title>Tiểu ban · ttnnd-tuyen-quang-8</title></head><body>"
        "<h1>Vòng Vòng chung khảo</h1><p>DISCREPANCY</p><p>judging.scores_import</p>"
        "<p>ngưỡng 2E+1 điểm</p><p>submitted</p><select name='judge'></select>"
        "<td>novelty</td></body></html>"
    )
    found = " | ".join(problems(bad, slugs, "vi", ("novelty",)))
    for what in ("slug as title", "doubled word", "raw flag", "dotted key", "scientific",
                 "raw status", "unlabelled", "raw code"):  # fmt: skip
        assert what in found, what
    good = (
        "<html><head><title>Tiểu ban · Cuộc thi</title></head><body><h1>Vòng chung khảo</h1>"
        "<p>Chênh lệch điểm</p><p>Tải <a href='/x'>diem.xlsx</a> · a@b.vn</p><p>20</p>"
        "<label for='j'>Giám khảo</label><select id='j'></select>"
        "<label>Chọn <input type='checkbox' name='e'></label><input type='hidden' name='t'>"
        "<script>var x = 'DISCREPANCY';</script><td>1</td><td>1</td></body></html>"
    )
    assert problems(good, slugs, "vi", ("novelty",)) == []
