"""The public results pages: the list of editions with results, one edition's winners per
field and prize level, the posting/final banner, versions (superseded banner, differences,
version selector), 404s, and the links from the public edition pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine

from contest.extensions import db
from contest.publication import operations as pub
from tests.publication.public_fixtures import (
    TECHNICAL_ENTRIES,
    TECHNICAL_SLUG,
    TECHNICAL_WINNERS_ORDER,
    build,
    correct,
    technical_edition,
)
from tests.results_compile.helpers import definition

T0 = datetime(2026, 8, 10, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
SLUG = TECHNICAL_SLUG


def winners(html: str) -> list[tuple[str, str]]:
    """``(code, prize code)`` of every winner on a results page, in page order."""
    return re.findall(r'data-testid="winner" data-code="([^"]+)" data-prize="([^"]+)"', html)


def sections(html: str) -> list[str]:
    return re.findall(r'data-testid="field-section" data-field="([^"]+)"', html)


def banner(html: str) -> tuple[str, str]:
    """``(state, text)`` of the state banner."""
    match = re.search(r'data-testid="state-banner" data-state="(\w+)">(.*?)</div>', html, re.S)
    assert match, "no state banner"
    return match.group(1), " ".join(re.sub(r"<[^>]+>", " ", match.group(2)).split())


def published(users, *, now=T0, posting_days=15):
    edition = technical_edition(opens_at="2026-06-01T07:00:00+07:00")
    v1 = pub.publish(edition, users["organizer"], posting_days=posting_days, now=now)
    db.session.commit()
    return edition, v1


def test_edition_page_lists_winners_per_field_and_prize_with_names_only(client, users):
    published(users)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        html = client.get(f"/results/{SLUG}").get_data(as_text=True)
    assert sections(html) == ["CNTT", "CK"]  # fields in the edition's order
    assert winners(html) == [
        ("T1", "first"), ("T2", "second"), ("T3", "third"), ("K1", "first"), ("K2", "merit"),
    ]  # fmt: skip
    cntt = html[html.index('data-field="CNTT"') : html.index('data-field="CK"')]
    assert [h for h in re.findall(r'data-testid="prize-heading" data-prize="(\w+)"', cntt)] == [
        "first", "second", "third"
    ]  # fmt: skip
    assert "Giải Nhất" in cntt and "Công nghệ thông tin" in cntt
    t1 = TECHNICAL_ENTRIES["T1"]
    assert t1[0] in html and "Nguyễn Thị Hồng Nhung, Trần Đức Mạnh" in html and t1[2] in html
    assert "Yên Sơn" in html  # the area
    assert "T4" not in winners(html) and TECHNICAL_ENTRIES["T4"][0] not in html  # no prize
    assert "93,25" not in html and "93.25" not in html  # scores are not public


def test_state_banner_posting_then_final(client, users):
    published(users)  # posting until 25/08/2026 10:00 Vietnam time
    with time_machine.travel(T0 + timedelta(days=14, hours=23), tick=False):
        html = client.get(f"/results/{SLUG}").get_data(as_text=True)
    state, text = banner(html)
    assert state == "posting"
    assert text.startswith("Đang niêm yết đến 25/08/2026 10:00 — có thể gửi khiếu nại")
    assert 'href="/complaints/"' in html and "Gửi khiếu nại" in html
    with time_machine.travel(T0 + timedelta(days=15), tick=False):
        html = client.get(f"/results/{SLUG}").get_data(as_text=True)
    assert banner(html) == ("final", "Kết quả chính thức")
    assert 'data-testid="complaints-link"' not in html


def test_no_posting_period_is_final_at_once(client, users):
    published(users, posting_days=0)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        html = client.get(f"/results/{SLUG}").get_data(as_text=True)
    assert banner(html)[0] == "final"


def test_superseded_version_banner_and_differences(client, users):
    edition, v1 = published(users)
    v2 = correct(edition, users["organizer"], now=T0 + timedelta(days=2))
    assert v2.version == 2
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        old = client.get(f"/results/{SLUG}/v/1").get_data(as_text=True)
        current = client.get(f"/results/{SLUG}").get_data(as_text=True)
        same = client.get(f"/results/{SLUG}/v/2").get_data(as_text=True)
    state, text = banner(old)
    assert state == "superseded"
    assert text.startswith("Phiên bản này đã được thay thế bởi phiên bản 2 (ngày 12/08/2026)")
    assert f'href="/results/{SLUG}"' in old  # to the version in force
    # v1 still shows its own winners
    assert [c for c, _p in winners(old)] == ["T1", "T2", "T3", "K1", "K2"]
    changes = old[old.index('data-testid="changes-to-next"') :]
    kinds = re.findall(r'data-testid="difference" data-code="(\w+)" data-kind="(\w+)"', changes)
    assert kinds == [("T3", "changed"), ("T4", "added"), ("K2", "removed")]
    assert "Giải Ba</del> → <ins>Giải Nhì" in changes
    assert "Đính chính theo kết luận của hội đồng" in changes
    # the current version: v2's winners, the changes from v1 folded away, the selector
    assert winners(current) == [
        ("T1", "first"), ("T2", "second"), ("T3", "second"), ("T4", "merit"), ("K1", "first"),
    ]  # fmt: skip
    assert banner(current)[0] == "posting" and 'data-testid="changes-from-previous"' in current
    assert re.findall(r'data-testid="version-link" data-version="(\d)"', current) == ["2", "1"]
    assert 'aria-current="page"' in current.split('data-version="2"')[0].rsplit("<a", 1)[1]
    assert banner(same)[0] == "posting" and winners(same) == winners(current)
    # downloads of an older version carry ?v=1
    assert f"/results/{SLUG}/results.xlsx?v=1" in old and f"/results/{SLUG}/print?v=1" in old
    assert f'href="/results/{SLUG}/results.pdf"' in current


NOT_FOUND = (
    "/results/{slug}/v/3",
    "/results/{slug}/v/0",
    "/results/{slug}/print?v=3",
    "/results/{slug}/print?v=abc",
    "/results/{slug}/results.xlsx?v=-1",
    "/results/{slug}/results.pdf?v=2",
    "/results/khong-co",
    "/results/khong-co/v/1",
    "/results/khong-co/print",
    "/results/khong-co/results.xlsx",
    "/results/khong-co/results.pdf",
)


def test_unknown_versions_and_slugs_are_not_found(client, users):
    published(users)
    assert client.get(f"/results/{SLUG}/print?v=1").status_code == 200
    for path in NOT_FOUND:
        assert client.get(path.format(slug=SLUG)).status_code == 404, path


def test_editions_without_publication_are_not_found(client, users):
    """A compiled but unpublished edition (a draft: it never opened) and an open edition."""
    technical_edition()  # compiled, never published, never opened (a draft)
    data = definition("stkt-mo", opens_at="2026-01-01T07:00:00+07:00")
    build("stkt-mo", data, {"X1": TECHNICAL_ENTRIES["T1"]})
    for slug in (SLUG, "stkt-mo"):
        for suffix in ("", "/v/1", "/print", "/results.xlsx", "/results.pdf"):
            assert client.get(f"/results/{slug}{suffix}").status_code == 404, (slug, suffix)
    index = client.get("/results/").get_data(as_text=True)
    assert "Chưa có cuộc thi nào công bố kết quả." in index
    edition_page = client.get("/editions/stkt-mo").get_data(as_text=True)
    assert 'data-testid="results-link"' not in edition_page


def test_boards_are_sections_of_their_own(client, users):
    data = definition(
        "stkt-bang",
        boards=[{"code": "CN", "name": "Bảng cá nhân"}, {"code": "TT", "name": "Bảng tập thể"}],
    )
    entries = {
        "P1": ("Giải pháp cá nhân", "CNTT/CN", "Đơn vị 1", "", "Mai Anh|1980-01-01|F", (90, 90)),
        "P2": ("Giải pháp tập thể", "CNTT/TT", "Đơn vị 2", "", "Hà Phúc|1981-01-01|M", (86, 86)),
    }
    edition = build("stkt-bang", data, entries)
    pub.publish(edition, users["organizer"])
    db.session.commit()
    html = client.get("/results/stkt-bang").get_data(as_text=True)
    assert sections(html) == ["CNTT", "CNTT"]
    p1, p2 = (html.index(f'data-code="{code}"') for code in ("P1", "P2"))  # (not a token's)
    assert html.index("Bảng cá nhân") < p1 < html.index("Bảng tập thể") < p2
    assert winners(html) == [("P1", "first"), ("P2", "first")]  # first of each board


def test_index_newest_first_search_and_pagination(make_app, users):
    app = make_app(PER_PAGE=1)
    client = app.test_client()
    older = technical_edition("stkt-2024", title="Hội thi Sáng tạo Kỹ thuật lần thứ IX")
    pub.publish(older, users["organizer"], now=T0 - timedelta(days=400), posting_days=0)
    newer = technical_edition("stkt-2025", title="Hội thi Sáng tạo Kỹ thuật lần thứ X")
    pub.publish(newer, users["organizer"], now=T0)
    technical_edition("stkt-2026", title="Hội thi chưa công bố")  # compiled only
    db.session.commit()

    def slugs(url):
        html = client.get(url).get_data(as_text=True)
        return re.findall(r'data-testid="published-edition" data-slug="([^"]+)"', html), html

    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        first, html = slugs("/results/")
        second, _html = slugs("/results/?page=2")
        found, _html = slugs("/results/?q=" + "lần thứ IX")
        nothing, empty = slugs("/results/?q=chưa công bố")
    assert first == ["stkt-2025"] and second == ["stkt-2024"]
    assert 'data-testid="pagination"' in html and 'data-state="posting"' in html
    assert f'href="/results/{newer.slug}"' in html
    assert found == ["stkt-2024"]
    assert nothing == [] and "Không tìm thấy cuộc thi nào có kết quả khớp" in empty


def test_public_edition_pages_link_to_the_results(client, users):
    edition, _v1 = published(users)
    index = client.get("/editions/").get_data(as_text=True)
    assert 'href="/results/"' in index  # the list of published results
    assert f'href="/results/{SLUG}" data-testid="results-link"' in index
    page = client.get(f"/editions/{SLUG}").get_data(as_text=True)
    assert f'href="/results/{SLUG}" data-testid="results-link"' in page and "Xem kết quả" in page
    results = client.get(f"/results/{SLUG}").get_data(as_text=True)
    assert f'href="/editions/{SLUG}"' in results


def test_page_order_matches_the_official_order(client, users):
    """The files' order (prize level, then field) differs from the page's (field, then
    prize): both come from the same snapshot."""
    from contest.publication.official_list import official_list

    _edition, v1 = published(users)
    rows = official_list(v1).rows
    assert [r.code for r in rows] == TECHNICAL_WINNERS_ORDER
    assert [r.number for r in rows] == [1, 2, 3, 4, 5]
