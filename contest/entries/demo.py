"""Demo entries for ``contest demo``: about forty entries over Tuyên Quang's communes and
the fields of both demo editions, mostly accepted, some submitted or received, one rejected
with a reason, and a draft plus a submitted entry of the demo entrant in the open edition. In
an edition whose judging has started every entry that reached the organizers is decided (the
submitted and received ones are accepted), so none waits outside judging. Authors have
Vietnamese names and birth dates inside the edition's age band. Idempotent (an entry whose
title already exists in its edition is left alone); flushes, the caller commits.

Sample attachments come with the attachments feature: it replaces :func:`add_sample_files`
(called once for every entry created here)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..areas.demo import demo_area
from ..areas.models import Area, Unit
from ..contests.demo import TECHNICAL_SLUG, YOUTH_SLUG
from ..contests.operations import get_edition
from ..contests.timeline import judging_started
from ..extensions import db
from ..timeutil import utcnow
from . import codes
from .eligibility import years_before
from .models import Author, Entry, EntrySource

DEMO_ENTRANT = "thisinh@demo.vn"
A, S, R, J, D = "accepted", "submitted", "received", "rejected", "draft"
REJECTION = "Hồ sơ thiếu bản thuyết minh và xác nhận của nhà trường; sản phẩm đã dự thi năm trước."

# (field, title, district, unit, status, number of authors)
YOUTH = (
    (
        "HT",
        "Thước đo góc đa năng cho học sinh tiểu học",
        "Thành phố Tuyên Quang",
        "Trường Tiểu học Phan Thiết",
        A,
        2,
    ),
    ("HT", "Bộ học cụ lắp ghép hình học không gian", "Yên Sơn", "Trường THCS Yên Sơn", A, 3),
    ("HT", "Bảng tuần hoàn tương tác có đèn báo", "Hàm Yên", "Trường THPT Hàm Yên", A, 2),
    ("HT", "Hộp bút thông minh nhắc giờ học", "Sơn Dương", "Trường THCS Sơn Dương", S, 1),
    ("HT", "Mô hình hệ Mặt Trời chạy bằng động cơ mini", "Chiêm Hóa", "Trường THCS Vĩnh Lộc", A, 2),
    (
        "PM",
        "Ứng dụng luyện phát âm tiếng Anh cho học sinh vùng cao",
        "Na Hang",
        "Trường THPT Na Hang",
        A,
        2,
    ),
    (
        "PM",
        "Phần mềm quản lý thư viện trường học",
        "Thành phố Tuyên Quang",
        "Trường THPT Chuyên Tuyên Quang",
        A,
        3,
    ),
    ("PM", "Trò chơi học toán lớp 3 trên điện thoại", "Lâm Bình", "Trường THCS Thượng Lâm", R, 1),
    ("PM", "Hệ thống điểm danh bằng nhận diện khuôn mặt", "Yên Sơn", "Trường THPT Xuân Huy", A, 2),
    ("MT", "Máy ép rác nhựa thành gạch xây dựng", "Hàm Yên", "Trường THCS Tân Yên", A, 3),
    ("MT", "Chậu cây tự tưới từ chai nhựa tái chế", "Sơn Dương", "Trường Tiểu học Hồng Lạc", A, 1),
    ("MT", "Túi đựng thân thiện môi trường từ bẹ chuối", "Chiêm Hóa", "Trường THCS Hòa Phú", J, 2),
    ("MT", "Lò đốt trấu giảm khói cho hộ gia đình", "Na Hang", "Trường THCS Thanh Tương", A, 2),
    ("GD", "Đồ chơi xếp hình bằng tre cho trẻ mầm non", "Lâm Bình", "Trường THCS Lăng Can", A, 2),
    (
        "GD",
        "Giá phơi quần áo tự thu khi trời mưa",
        "Thành phố Tuyên Quang",
        "Trường THCS Phan Thiết",
        A,
        3,
    ),
    ("GD", "Bếp đun cải tiến tiết kiệm củi", "Yên Sơn", "Trường THCS Yên Sơn", S, 2),
    ("GD", "Thùng gạo thông minh báo hết gạo", "Hàm Yên", "Trường Tiểu học Hàm Yên", D, 1),
    ("BDKH", "Hệ thống cảnh báo lũ quét qua tin nhắn", "Chiêm Hóa", "Trường THPT Chiêm Hóa", A, 3),
    (
        "BDKH",
        "Máy lọc nước sinh hoạt dùng năng lượng mặt trời",
        "Sơn Dương",
        "Trường THPT Sơn Dương",
        A,
        2,
    ),
    ("BDKH", "Nhà kính mini trồng rau cho vùng cao", "Lâm Bình", "Trường THPT Lâm Bình", R, 2),
    ("BDKH", "Cảm biến đo độ ẩm đất cho vườn trường", "Na Hang", "Trường THCS Năng Khả", A, 1),
    ("HT", "Đèn học chống cận tự điều chỉnh độ sáng", "Yên Sơn", "Trường THCS Yên Sơn", S, 1),
)
TECHNICAL = (
    (
        "CNTT",
        "Hệ thống giám sát nhiệt độ kho dược qua Internet",
        "Thành phố Tuyên Quang",
        "Bệnh viện Đa khoa tỉnh Tuyên Quang",
        A,
        3,
    ),
    ("CNTT", "Phần mềm quản lý hồ sơ một cửa cấp xã", "Yên Sơn", "UBND huyện Yên Sơn", A, 2),
    (
        "CNTT",
        "Thiết bị đếm sản phẩm trên băng chuyền dùng cảm biến quang",
        "Sơn Dương",
        "Công ty TNHH Chè Sơn Dương",
        S,
        2,
    ),
    ("CK", "Máy tách hạt ngô liên hợp cỡ nhỏ", "Hàm Yên", "Hợp tác xã Nông nghiệp Hàm Yên", A, 1),
    (
        "CK",
        "Cải tiến hệ thống cấp liệu lò nung clinker",
        "Yên Sơn",
        "Công ty Cổ phần Xi măng Tân Quang",
        A,
        3,
    ),
    (
        "CK",
        "Xe rùa đa năng vận chuyển vật liệu trên đồi dốc",
        "Chiêm Hóa",
        "Công ty TNHH Xây dựng Chiêm Hóa",
        R,
        2,
    ),
    (
        "VL",
        "Gạch không nung từ tro bay và đá mạt",
        "Yên Sơn",
        "Công ty Cổ phần Xi măng Tân Quang",
        A,
        3,
    ),
    (
        "VL",
        "Lò sấy gỗ dùng nhiệt thải nồi hơi",
        "Sơn Dương",
        "Công ty Cổ phần Lâm sản Sơn Dương",
        A,
        2,
    ),
    ("VL", "Pin lưu trữ điện mặt trời cho trạm bơm", "Na Hang", "Điện lực Na Hang", A, 2),
    ("NLN", "Quy trình nhân giống cam sành sạch bệnh", "Hàm Yên", "Trạm Khuyến nông Hàm Yên", A, 3),
    ("NLN", "Máy vò chè mini cho hộ gia đình", "Yên Sơn", "Hợp tác xã Chè Mỹ Bằng", A, 1),
    ("NLN", "Chế phẩm vi sinh xử lý phân chuồng", "Chiêm Hóa", "Trạm Khuyến nông Chiêm Hóa", J, 2),
    (
        "NLN",
        "Bẫy đèn năng lượng mặt trời diệt côn trùng",
        "Lâm Bình",
        "Hợp tác xã Lâm Bình Xanh",
        A,
        2,
    ),
    (
        "YD",
        "Quy trình chăm sóc người bệnh đột quỵ tại nhà",
        "Thành phố Tuyên Quang",
        "Bệnh viện Đa khoa tỉnh Tuyên Quang",
        A,
        3,
    ),
    (
        "YD",
        "Giường bệnh điều chỉnh tư thế bằng tay quay",
        "Na Hang",
        "Trung tâm Y tế huyện Na Hang",
        S,
        2,
    ),
    (
        "GD",
        "Bộ thí nghiệm vật lý tự làm từ vật liệu rẻ tiền",
        "Thành phố Tuyên Quang",
        "Trường THPT Chuyên Tuyên Quang",
        A,
        2,
    ),
    (
        "GD",
        "Sổ điểm điện tử cho trường vùng cao không có mạng",
        "Lâm Bình",
        "Phòng Giáo dục và Đào tạo Lâm Bình",
        A,
        1,
    ),
    ("GD", "Mô hình dạy lái xe an toàn cho học sinh", "Sơn Dương", "Trường THPT Sơn Dương", D, 2),
)

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Ma", "Nông", "Triệu", "Hà")
MALE = ("Văn An", "Minh Đức", "Quang Huy", "Đức Thắng", "Văn Tùng", "Hữu Nam", "Tiến Dũng")
FEMALE = ("Thị Hoa", "Thu Trang", "Ngọc Ánh", "Thị Lan", "Minh Thư", "Khánh Linh", "Thị Mai")


def add_sample_files(entry: Entry) -> None:
    """Attach sample files to a demo entry (:mod:`.attachment_demo`)."""
    from .attachment_demo import add_sample_files as attach_samples

    attach_samples(entry)


def _author(seed: int, position: int, reference: date, youth: bool) -> Author:
    """A plausible author: name, gender and an age inside the band (9–17 or 28–57)."""
    female = (seed + position) % 2 == 0
    given = (FEMALE if female else MALE)[(seed * 3 + position) % 7]
    age = 9 + (seed + 2 * position) % 9 if youth else 28 + (seed * 7 + position * 5) % 30
    born = years_before(reference, age) - timedelta(days=30 + (seed * 37 + position * 11) % 300)
    return Author(
        position=position,
        full_name=f"{FAMILY[(seed + position * 5) % len(FAMILY)]} {given}",
        date_of_birth=born,
        gender="F" if female else "M",
        ethnicity=("Kinh", "Tày", "Dao", "Cao Lan")[seed % 4],
        phone=f"09{(seed * 7919 + position) % 10**8:08d}" if position == 1 else "",
        is_representative=position == 1,
    )


def _area(name: str) -> Area | None:
    """The demo rows name the former districts: each lies in a commune of the 2025 map."""
    return demo_area(name)


def _unit(name: str) -> Unit | None:
    return db.session.execute(select(Unit).where(Unit.name == name)).scalars().first()


def _seed_edition(
    edition, rows, entrant: User | None, now: datetime, offset: int, decided: bool = False
) -> list:
    """Create ``edition``'s demo entries from ``rows``; ``decided``: submitted and received
    ones are accepted."""
    youth = edition.kind == "youth"
    existing = set(
        db.session.execute(select(Entry.title).where(Entry.edition_id == edition.id)).scalars()
    )
    created = []
    for index, (field_code, title, district, unit_name, status, n_authors) in enumerate(rows):
        if title in existing:
            continue
        seed = offset + index
        field = edition.field_by_code(field_code)
        area, unit = _area(district), _unit(unit_name)
        # The demo entrant's: every draft, and some submitted entries (two in the open youth
        # edition, two being judged in the technical one).
        mine = entrant is not None and (
            status == D or (status == S and (seed % 2 == 0 or seed % 12 == 3))
        )
        entry = Entry(
            edition_id=edition.id,
            title=title,
            field_id=field.id,
            summary=f"{title}: giải pháp do {unit_name} thực hiện, phù hợp điều kiện địa phương.",
            area_id=area.id if area else None,
            area_name="" if area else district,
            unit_id=unit.id if unit else None,
            unit_name=unit_name,
            owner_id=entrant.id if mine and entrant is not None else None,
            status=A if decided and status in (S, R) else status,
            rejection_reason=REJECTION if status == J else "",
            source=EntrySource.WEB.value if mine else EntrySource.IMPORT.value,
            created_at=now - timedelta(days=14),
            updated_at=now,
        )
        if youth:
            entry.mentor_name = ("Cô ", "Thầy ")[seed % 2] + MALE[seed % 7].split()[-1]
            entry.mentor_unit = unit_name
        else:
            entry.applied_at = edition.applied_since + timedelta(days=120 + 41 * index)
            entry.applied_where = unit_name
        if status != D:
            entry.code = codes.new_code(edition, field_code)
            entry.submitted_at = now - timedelta(days=13 - seed % 13, hours=seed % 9)
        entry.authors = [
            _author(seed, p, edition.reference_date, youth) for p in range(1, n_authors + 1)
        ]
        db.session.add(entry)
        db.session.flush()
        add_sample_files(entry)
        created.append(entry)
    return created


def seed_entries(now: datetime | None = None) -> list[Entry]:
    """Create the demo entries that do not exist yet; return those created. Needs the demo
    editions and areas (missing ones are skipped)."""
    now = now or utcnow()
    entrant = db.session.execute(select(User).where(User.email == DEMO_ENTRANT)).scalar()
    created = []
    for slug, rows, offset in ((YOUTH_SLUG, YOUTH, 0), (TECHNICAL_SLUG, TECHNICAL, 50)):
        edition = get_edition(slug)
        if edition is not None:
            decided = judging_started(edition, now)
            created += _seed_edition(edition, rows, entrant, now, offset, decided)
    db.session.flush()
    return created
