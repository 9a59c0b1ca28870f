"""Masking of names in what entrants wrote (blind judging): a table of what is masked and what
must be left alone, exact offsets in the original text, highlighting for organizers, and the
names an entry knows."""

from __future__ import annotations

import unicodedata

import pytest
from markupsafe import Markup

from contest.judging.masking import NameSet, find, highlight, hints, mask, names_for_entry
from tests import factories
from tests.judging.conftest import make_entry

P = "[đã ẩn]"
NAMES = NameSet.of(
    [
        ("author", "Nguyễn Thị Kín"),
        ("author", "Lò Văn Pằng"),
        ("author", "Hoàng Thị Tác Giả"),
        ("author", "Đặng Thu Thuỷ"),
        ("mentor", "ThS. Trần Văn Hóa"),
        ("unit", "Trường THPT Chiêm Hóa"),
        ("unit", "Công ty TNHH Viettel"),
        ("unit", "Trường THCS Yên Phú, huyện Hàm Yên"),
        ("area", "Xã Yên Nguyên"),
        ("area", "Huyện Chiêm Hóa"),
        ("area", "Phường 1"),
        ("area", "Thị trấn Vĩnh Lộc"),
        ("area", "Xã Tân Thành"),
    ]
)

CASES = [
    # --- authors: diacritics, case, initials, order, run together
    ("Nhóm Nguyễn Thị Kín thực hiện", f"Nhóm {P} thực hiện"),
    ("NGUYỄN THỊ KÍN", P),
    ("nguyen thi kin", P),
    ("Nguyen Thi Kín và bạn", f"{P} và bạn"),
    ("Nguyên Thi Kin", P),  # some marks missing
    ("N.T. Kín", P),
    ("N. T. Kín", P),
    ("Nguyễn T. Kín", P),
    ("NT Kín", P),
    ("N.T.Kin", P),
    ("Nguyễn Kín", P),
    ("Kín Nguyễn", P),
    ("nguyen_thi_kin.pdf", f"{P}.pdf"),
    ("NguyenThiKin-baocao.docx", f"{P}-baocao.docx"),
    ("nguyenthikin", P),
    ("Lo Van Pang, L.V. Pằng", f"{P}, {P}"),
    ("Hoàng Tác Giả", P),
    ("Đặng Thu Thủy, DANG THU THUY", f"{P}, {P}"),  # the tone mark on either vowel
    # --- mentor: titles stay, the name goes
    ("Thầy Trần Văn Hóa hướng dẫn", f"Thầy {P} hướng dẫn"),
    ("ThS. Tran Van Hoa", f"ThS. {P}"),
    ("T.V. Hóa", P),
    # --- units: with or without their type prefixes
    ("do Trường THPT Chiêm Hóa thực hiện", f"do {P} thực hiện"),
    ("THPT Chiêm Hóa", P),
    ("trường Chiêm Hóa", P),
    ("THPT Chiem Hoa", P),
    ("THPT Chiêm Hoá", P),  # old-style tone placement
    ("học sinh Chiêm Hóa", f"học sinh {P}"),
    ("Công ty Viettel", P),
    ("cty TNHH viettel", P),
    ("Trường THCS Yên Phú", P),
    ("huyện Hàm Yên", P),
    # --- areas: communes and districts without xã / phường / huyện
    ("xã Yên Nguyên", P),
    ("Yen Nguyen", P),
    ("huyện Chiêm Hóa", P),
    ("Phường 1", P),
    ("thị trấn Vĩnh Lộc", P),
    ("Vinh Loc", P),
    ("xã Tân Thành, Tan Thanh", f"{P}, {P}"),
    # --- a given name after a form of address
    ("em Kín làm mô hình", f"em {P} làm mô hình"),
    ("Bạn Pằng, thầy Hóa", f"Bạn {P}, thầy {P}"),
    ("EM KÍN", f"EM {P}"),
    # --- must NOT be masked
    ("Kín", "Kín"),  # a lone given name is an ordinary word
    ("hộp kín, kín đáo", "hộp kín, kín đáo"),
    ("Kính hiển vi", "Kính hiển vi"),
    ("Nguyễn Văn Kín", "Nguyễn Văn Kín"),  # another person
    ("văn hóa địa phương", "văn hóa địa phương"),  # middle + given name
    ("Viettel", "Viettel"),  # a one-word unit core only after a type prefix
    ("phường 12", "phường 12"),
    ("số 1", "số 1"),
    ("tán thành", "tán thành"),
    ("Chiêm Hóax", "Chiêm Hóax"),  # only part of a word
    ("nguyenthikinh", "nguyenthikinh"),
    ("Nguyễn Thị Kính", "Nguyễn Thị Kính"),
    ("chiếm hóa đơn", "chiếm hóa đơn"),  # other marks: other words
    ("n t kín", "n t kín"),  # lower-case letters without dots are not initials
    ("em kín đáo", "em kín đáo"),  # not capitalised: the ordinary word
    ("có Kín", "có Kín"),  # "có" is no form of address
    ("Môn Hóa học", "Môn Hóa học"),  # a capitalised given name without a form of address
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_mask(text, expected):
    assert mask(text, NAMES) == expected


def test_at_least_thirty_cases_with_some_left_alone():
    assert len(CASES) >= 30
    assert sum(t == e for t, e in CASES) >= 10


def test_offsets_are_those_of_the_original_text_whatever_its_composition():
    text = unicodedata.normalize("NFD", "Em Nguyễn Thị Kín, xã Yên Nguyên.")
    matches = find(text, NAMES)
    assert [(m.kind, m.name) for m in matches] == [
        ("author", "Nguyễn Thị Kín"),
        ("area", "Xã Yên Nguyên"),
    ]
    assert [text[m.start : m.end] for m in matches] == [
        unicodedata.normalize("NFD", "Nguyễn Thị Kín"),
        unicodedata.normalize("NFD", "xã Yên Nguyên"),
    ]
    assert mask(text, NAMES) == unicodedata.normalize("NFD", "Em ") + P + ", " + P + "."
    # a name ending in combining marks takes them along
    ending = unicodedata.normalize("NFD", "Cảm ơn thầy Tuệ")
    assert mask(ending, NameSet.of([("mentor", "Hoàng Minh Tuệ")])) == (
        unicodedata.normalize("NFD", "Cảm ơn thầy ") + P
    )


def test_placeholder_and_overlaps():
    text = "Trường THPT Chiêm Hóa, xã Yên Nguyên"
    assert mask(text, NAMES, placeholder="***") == "***, ***"
    assert [m.kind for m in find(text, NAMES)] == ["unit", "area"]
    # overlapping names are masked as one span
    names = NameSet.of([("author", "Lê Văn An"), ("area", "Xã An Bình")])
    assert mask("Em Lê Văn An Bình.", names) == f"Em {P}."


def test_highlight_escapes_and_marks():
    out = highlight("<b>Nguyễn Thị Kín</b> & THPT Chiêm Hóa", NAMES)
    assert isinstance(out, Markup)
    assert str(out) == (
        '&lt;b&gt;<mark class="masked masked-author">Nguyễn Thị Kín</mark>&lt;/b&gt; &amp; '
        '<mark class="masked masked-unit">THPT Chiêm Hóa</mark>'
    )


def test_a_one_word_name_is_masked_when_it_is_the_whole_name():
    names = NameSet.of([("author", "Pằng")])
    assert mask("Em Pằng và Pang", names) == f"Em {P} và {P}"


def test_names_for_entry(edition):
    province = factories.make_area("Tỉnh Tuyên Quang", commit=False)
    district = factories.make_area("Huyện Chiêm Hóa", "district", province, commit=False)
    commune = factories.make_area("Xã Yên Nguyên", "commune", district, commit=False)
    unit = factories.make_unit("Trường THPT Chiêm Hóa", district, "other")
    entry = make_entry(
        edition,
        "CNTT-050",
        authors=("Nguyễn Thị Kín", "Lò Văn Pằng"),
        unit=unit,
        area=commune,
        mentor_name="ThS. Trần Văn Hóa, Hoàng Minh Tuệ",
        organisation="Trường THCS Hòa Phú",
    )
    names = {(n.kind, n.text) for n in names_for_entry(entry).names}
    assert names >= {
        ("author", "Nguyễn Thị Kín"),
        ("author", "Lò Văn Pằng"),
        ("mentor", "ThS. Trần Văn Hóa"),
        ("mentor", "Hoàng Minh Tuệ"),
        ("unit", "Trường THPT Chiêm Hóa"),
        ("unit", "Trường THCS Hòa Phú"),
        ("area", "Xã Yên Nguyên"),
        ("area", "Huyện Chiêm Hóa"),
    }
    assert ("area", "Tỉnh Tuyên Quang") not in names  # shared by every entry of the contest
    text = "Em Hoàng Minh Tuệ, trường Hòa Phú, tỉnh Tuyên Quang"
    assert mask(text, names_for_entry(entry)) == f"Em {P}, {P}, tỉnh Tuyên Quang"
    # The names the area and its district had when the edition ran (the tree changed since).
    entry.area_snapshot, entry.district_snapshot = "Xã Kim Bình", "Huyện Lâm Bình"
    text = "Bà con xã Kim Bình, huyện Lâm Bình"
    assert mask(text, names_for_entry(entry)) == f"Bà con {P}, {P}"


def test_given_names_alone_are_hinted_not_masked():
    text = "Do Kín làm máy; Nguyễn Thị Kín là trưởng nhóm; hộp kín."
    assert mask(text, NAMES) == f"Do Kín làm máy; {P} là trưởng nhóm; hộp kín."
    found = [(text[h.start : h.end], h.name) for h in hints(text, NAMES)]
    assert found == [("Kín", "Nguyễn Thị Kín")]  # "hộp kín" is the ordinary word
    marked = str(highlight(text, NAMES, with_hints=True))
    assert '<mark class="hint">Kín</mark> làm' in marked
    assert hints("em Kín", NAMES) == []  # masked
    assert '<mark class="masked masked-author">Nguyễn Thị Kín</mark>' in marked
    assert "hint" not in str(highlight(text, NAMES))
    assert hints("Nguyễn là họ", NAMES) == []  # a family name alone is no hint


def test_generic_organisations_are_no_unit_names():
    names = NameSet.of([("unit", "Học sinh"), ("unit", "Lớp 10A1, Trường THCS Hòa Phú")])
    assert mask("Học sinh lớp 10A1 trường Hòa Phú", names) == f"Học sinh {P} {P}"
