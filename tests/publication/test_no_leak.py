"""No unpublished result leaks: every GET route of the app, for every persona who is not an
organizer (anonymous, coordinator, judge, entrant), with the URL arguments of the access
matrix's world pointed at an edition whose results are compiled but not published.

The edition's entry L1 belongs to the entrant persona, lies in the coordinator's district and
was scored by the judge persona, so each of them has pages about it. What a compiled run
knows and the public must not learn before publication: the scores (2 decimals, distinctive
values), which entry got which prize. A page may legitimately show an edition's prize names
(its prize structure) and an entry's title to its owner: so every route is read before the
compile (the baseline) and after it, and each marker (scores, prize names, titles, codes)
must appear exactly as often after the compile as before; the scores must appear nowhere.

Then version 1 is published and a NEW run is compiled from changed (panel) scores, not
published: the public pages and files show version 1 only, and no route shows anything that
only the new run knows (its scores, its new winner).

Response bodies are read as a person would: PDF through pdftotext, XLSX/ZIP members' XML.
"""

from __future__ import annotations

import re

import pytest

from contest.areas.models import Area
from contest.contests.operations import create_from_definition, get_edition
from contest.entries.models import Entry
from contest.extensions import db
from contest.judging.panels import set_panel_score
from contest.publication import operations as pub
from tests.publication.public_fixtures import file_text, import_sheets, xlsx_rows
from tests.results_compile.helpers import definition
from tests.results_review.helpers import compile_now
from tests.test_access_matrix import _client_for, _rules, _url
from tests.test_access_matrix import login_as as login_as_fixture
from tests.test_access_matrix import world as world_fixture

# The access matrix's fixtures: its world (every URL argument of the app) and its login.
world = world_fixture
login_as = login_as_fixture

SLUG = "stkt-chua-cong-bo"
PERSONAS = ("anonymous", "coordinator", "judge", "entrant")
PRIZE_NAMES = ("Giải Nhất Sao Vàng", "Giải Nhì Sao Bạc", "Giải Ba Sao Đồng", "Giải Triển Vọng")
# code → (title, field, unit, area, authors, sheets' totals); scores 87.25, 78.75, 66.75,
# 57.25, 44.75 → Sao Vàng, Sao Bạc, Sao Đồng, Triển Vọng, nothing.
ENTRIES = {
    "LK-0871": ("Máy tách hạt sen tự động Hồng Liên", "CNTT", "Trường Thử", "Yên Sơn",
                "Đặng Thị Thu Sương|1986-02-03|F", (87, 87.5)),
    "LK-0872": ("Lò đốt rác không khói Thanh Khiết", "CNTT", "Đơn vị K2", "",
                "Bùi Văn Khang|1975-06-07|M", (79, 78.5)),
    "LK-0873": ("Cần cẩu mini nâng hàng Vững Chãi", "CNTT", "Đơn vị K3", "",
                "Lý Thị Duyên|1990-10-11|F", (66.5, 67)),
    "LK-0874": ("Bếp đun sinh khối Ấm Áp", "CNTT", "Đơn vị K4", "",
                "Tạ Quang Huy|1982-12-13|M", (57.5, 57)),
    "LK-0875": ("Hệ thống cảnh báo lũ quét Bình Yên", "CNTT", "Đơn vị K5", "",
                "Kiều Văn Bình|1979-04-05|M", (44.5, 45)),
}  # fmt: skip
RUN1_SCORES = ("87.25", "78.75", "66.75", "57.25", "44.75")
# The new run: panel scores make LK-0875 the first (91.35) and LK-0871 the second (82.65).
RUN2_PANEL = {"LK-0875": "91.35", "LK-0871": "82.65"}
RUN2_SCORES = ("91.35", "91,35", "82.65", "82,65")
# What only the new run knows: its scores (shown nowhere), its new winner (shown no more often
# than before: the judge persona who scored it sees it on their pages).
RUN2_ONLY = (*RUN2_SCORES, ENTRIES["LK-0875"][0], "LK-0875")
ORGANIZER_EXPORTS = ("judging.export", "judging.paper_sheets", "judging.progress_page",
                     "judging.entry_sheets")  # fmt: skip


def score_forms(value: str) -> tuple[str, str]:
    return value, value.replace(".", ",")


def markers() -> tuple[str, ...]:
    titles = tuple(v[0] for v in ENTRIES.values())
    scores = tuple(s for v in RUN1_SCORES for s in score_forms(v))
    return scores + PRIZE_NAMES + titles + tuple(ENTRIES)


def build_edition(users) -> Entry:
    """The edition (published prize structure with distinctive names, opened so its public
    page exists), entries and sheets (the judge persona's among them); L1 handed to the
    entrant in the coordinator's district. Not compiled. Returns L1."""
    data = definition(SLUG, opens_at="2026-01-05T07:00:00+07:00")
    data["title"] = "Hội thi thử nghiệm chưa công bố kết quả"
    for prize, name in zip(data["prizes"], PRIZE_NAMES, strict=True):
        prize["name"] = name
    create_from_definition(data, None)
    db.session.commit()
    edition = get_edition(SLUG)
    import_sheets(edition, ENTRIES, judges=(users["judge"].email, "gk2@example.vn"))
    l1 = db.session.scalar(db.select(Entry).where(Entry.code == "LK-0871"))
    l1.owner_id = users["entrant"].id
    l1.area = db.session.scalar(db.select(Area).where(Area.name == "Yên Sơn"))
    db.session.commit()
    return l1


def read_everything(app, users, login_as, values) -> dict:
    """``{(persona, endpoint): (status, text)}`` of every GET route for each persona."""
    out = {}
    for persona in PERSONAS:
        client = _client_for(app, users, persona, login_as)
        for rule in _rules(app):
            if "GET" not in rule.methods:
                continue
            url = _url(app, rule, values)
            response = client.get(url)
            out[(persona, rule.endpoint)] = (response.status_code, file_text(response.data))
    return out


@pytest.mark.slow
def test_unpublished_results_never_leak(app, users, world, login_as):
    l1 = build_edition(users)
    edition = get_edition(SLUG)
    values = {
        **world,
        "slug": SLUG,
        "entry_id": l1.id,
        "round_id": edition.rounds[-1].id,
        "code": edition.criteria[0].code,
    }

    before = read_everything(app, users, login_as, values)
    reachable = [k for k, (status, _t) in before.items() if status == 200]
    assert ("entrant", "entries.detail") in reachable  # the persona's pages are really read
    assert ("coordinator", "district.detail") in reachable
    assert ("anonymous", "public.edition") in reachable
    for key, (_status, text) in before.items():
        found = [s for v in RUN1_SCORES for s in score_forms(v) if s in text]
        assert not found, f"{key} shows {found} before any compile: pick other scores"

    compile_now(edition)
    after = read_everything(app, users, login_as, values)
    leaks = []
    for key, (status, text) in after.items():
        for marker in markers():
            was = before[key][1].count(marker)
            if text.count(marker) != was:
                leaks.append(f"{key} [{status}]: “{marker}” ×{text.count(marker)} (before: {was})")
    assert not leaks, "compiled results visible before publication:\n" + "\n".join(leaks)
    for persona in PERSONAS:
        for endpoint in ("results.index", "results.review", *ORGANIZER_EXPORTS):
            status = after[(persona, endpoint)][0]
            assert status in (302, 403), (persona, endpoint, status)  # 302: to the login

    # -- version 1 is published; a new run with other scores is compiled, not published
    v1 = pub.publish(edition, users["organizer"], posting_days=15)
    db.session.commit()
    v1_winners = [(e.entry_code, e.prize_name) for e in v1.entries]
    assert v1_winners == [
        ("LK-0871", "Giải Nhất Sao Vàng"), ("LK-0872", "Giải Nhì Sao Bạc"),
        ("LK-0873", "Giải Ba Sao Đồng"), ("LK-0874", "Giải Triển Vọng"),
    ]  # fmt: skip
    round_ = edition.rounds[-1]
    for code, score in RUN2_PANEL.items():
        entry = db.session.scalar(db.select(Entry).where(Entry.code == code))
        set_panel_score(edition, round_, entry, score, "Hội đồng chấm lại", users["organizer"])
    db.session.commit()
    compile_now(edition)
    assert pub.last_round_run(edition).id != v1.run_id

    later = read_everything(app, users, login_as, values)
    leaks = [
        f"{key} [{status}]: “{marker}”"
        for key, (status, text) in later.items()
        for marker in RUN2_ONLY
        if text.count(marker) != (0 if marker in RUN2_SCORES else after[key][1].count(marker))
    ]
    assert not leaks, "the unpublished new run is visible:\n" + "\n".join(leaks)
    page = later[("anonymous", "public_results.edition")][1]
    assert later[("anonymous", "public_results.edition")][0] == 200
    client = app.test_client()
    html = client.get(f"/results/{SLUG}").get_data(as_text=True)
    shown = re.findall(r'data-testid="winner" data-code="([^"]+)" data-prize="([^"]+)"', html)
    assert shown == [("LK-0871", "first"), ("LK-0872", "second"), ("LK-0873", "third"),
                     ("LK-0874", "merit")]  # fmt: skip
    assert "Giải Nhất Sao Vàng" in page
    rows = xlsx_rows(client.get(f"/results/{SLUG}/results.xlsx").data)
    listed = [(r[1], r[6]) for r in rows if r[1] in ENTRIES]
    assert listed == v1_winners
    pdf = " ".join(file_text(client.get(f"/results/{SLUG}/results.pdf").data).split())
    assert "LK-0871" in pdf and "Giải Nhất Sao Vàng" in pdf and "LK-0875" not in pdf
