"""Author names in attachment file names: the pure matcher, and the yellow warning on the
organizer's entry-sheets page and the intake entry detail (never on a judge's page)."""

from __future__ import annotations

import itertools

import pytest

from contest.entries.models import Attachment
from contest.judging.name_leaks import attachment_name_leaks, fold, names_in_file_name
from tests import factories

AUTHORS = ("Nguyễn Thị Kín", "PGS.TS. Đặng Văn Đức")
_keys = itertools.count(1)


def test_fold_drops_case_and_vietnamese_diacritics():
    assert fold("Đặng Văn ĐỨC") == "dang van duc"
    assert fold("Nguyễn Thị Kín") == "nguyen thi kin"


@pytest.mark.parametrize(
    ("file_name", "found"),
    [
        ("Thuyết minh - Nguyễn Thị Kín.pdf", ["Nguyễn Thị Kín"]),
        ("thuyet_minh_NGUYEN_THI_KIN.docx", ["Nguyễn Thị Kín"]),
        ("NguyenThiKin-ban-ve.pdf", ["Nguyễn Thị Kín"]),
        ("ho-so-nguyen-kin.pdf", ["Nguyễn Thị Kín"]),  # family + given name
        ("Kin Nguyen CV.pdf", ["Nguyễn Thị Kín"]),  # given + family name
        ("duc_dang.png", ["PGS.TS. Đặng Văn Đức"]),  # title dropped, đ folded
        ("Nguyễn Kín và Đặng Văn Đức.pdf", list(AUTHORS)),
        ("thuyet-minh.pdf", []),
        ("Nguyễn Văn Khác.pdf", []),  # same family name only
        ("kinh-te.pdf", []),  # "kin" inside another word
        ("bao-cao-thi.pdf", []),
    ],
)
def test_names_in_file_name(file_name, found):
    assert names_in_file_name(file_name, AUTHORS) == found


def test_single_word_names_are_not_looked_for():
    assert names_in_file_name("Kín.pdf", ["Kín"]) == []


def _attach(entry, name: str) -> Attachment:
    return factories.make_attachment(
        entry, original_name=name, storage_key=f"leaks/{next(_keys)}", size_bytes=10
    )


def test_attachment_name_leaks_of_an_entry(edition, entries):
    entry = entries[0]  # by Hoàng Thị Tác Giả
    _attach(entry, "Thuyet minh.pdf")
    leaky = _attach(entry, "Ban ve - Hoang Thi Tac Gia.pdf")
    leaks = attachment_name_leaks(entry)
    assert [(leak.attachment, leak.names) for leak in leaks] == [(leaky, ["Hoàng Thị Tác Giả"])]


def test_entry_sheets_page_warns_organizers(client, login, organizer, edition, panel, entries):
    login(organizer)
    url = f"/organizer/judging/{edition.slug}/entries/{entries[0].id}"
    assert 'data-testid="name-leaks"' not in client.get(url).get_data(as_text=True)
    _attach(entries[0], "Thuyet minh.pdf")
    _attach(entries[0], "Hoàng Tác Giả - bản vẽ.pdf")
    html = client.get(url).get_data(as_text=True)
    assert 'data-testid="name-leaks"' in html and "alert-warning" in html
    assert html.count('data-testid="name-leak"') == 1
    assert "Hoàng Tác Giả - bản vẽ.pdf" in html


def test_intake_detail_warns_organizers(client, login, organizer, edition, entries):
    login(organizer)
    url = f"/organizer/entries/{entries[1].id}"
    assert 'data-testid="name-leaks"' not in client.get(url).get_data(as_text=True)
    _attach(entries[1], "vu_van_sang_che_thuyet_minh.pdf")
    html = client.get(url).get_data(as_text=True)
    assert 'data-testid="name-leaks"' in html
    assert "vu_van_sang_che_thuyet_minh.pdf" in html
