"""E-mail headers: long Vietnamese subjects and names survive RFC 2047 encoding and folding
with every space kept."""

from __future__ import annotations

from email import message_from_bytes, policy

from contest.mail import build_message

SUBJECT = (
    "Cuộc thi Sáng tạo Thanh thiếu niên nhi đồng tỉnh Tuyên Quang lần thứ 8 — "
    "Thư cảm ơn giám khảo Nguyễn Văn A đã tham gia chấm vòng chung khảo"
)


def _round_trip(msg):
    raw = bytes(msg)
    return raw, message_from_bytes(raw, policy=policy.default)


def test_long_vietnamese_subject_keeps_its_spaces(app):
    raw, parsed = _round_trip(build_message("a@example.vn", SUBJECT, "Xin cảm ơn."))
    assert str(parsed["Subject"]) == SUBJECT
    assert b"=?utf-8?" in raw
    head = raw.split(b"\r\n\r\n")[0]
    assert all(len(line) <= 78 for line in head.split(b"\r\n")), head
    assert parsed.get_content().strip() == "Xin cảm ơn."


def test_every_fold_point_keeps_its_space(app):
    """Subjects of every length: a space at any fold point survives."""
    for n in range(20, len(SUBJECT)):
        subject = SUBJECT[:n].strip()
        _raw, parsed = _round_trip(build_message("a@example.vn", subject, "x"))
        assert str(parsed["Subject"]) == subject


def test_vietnamese_display_names_are_encoded(app):
    to = "Nguyễn Thị Bích Ngọc <ngoc@example.vn>, Trần Văn Bình <binh@example.vn>"
    raw, parsed = _round_trip(build_message(to, "Chào", "x"))
    assert raw.isascii() or b"\r\n\r\n" in raw
    assert raw.split(b"\r\n\r\n")[0].isascii()
    names = [a.display_name for a in parsed["To"].addresses]
    assert names == ["Nguyễn Thị Bích Ngọc", "Trần Văn Bình"]
    assert [a.addr_spec for a in parsed["To"].addresses] == [
        "ngoc@example.vn",
        "binh@example.vn",
    ]
