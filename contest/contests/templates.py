"""The two built-in edition templates, value for value as RULES.md gives them.

Stable ASCII codes (used in entry codes such as ``STKT25-CNTT-007`` and in files):

Technical fields (RULES §2): ``CNTT`` Công nghệ thông tin, điện tử, viễn thông · ``CK`` Cơ khí
tự động hóa, xây dựng, giao thông vận tải · ``VL`` Vật liệu, hóa chất, năng lượng · ``NLN`` Nông
lâm ngư nghiệp, tài nguyên và môi trường · ``YD`` Y dược · ``GD`` Giáo dục và đào tạo.

Youth fields: ``HT`` Đồ dùng dành cho học tập · ``PM`` Phần mềm tin học · ``MT`` Sản phẩm thân
thiện với môi trường · ``GD`` Các dụng cụ sinh hoạt gia đình và đồ chơi trẻ em · ``BDKH`` Các giải
pháp kỹ thuật nhằm ứng phó với biến đổi khí hậu, bảo vệ môi trường và phát triển kinh tế.

Criteria (RULES §4): technical ``novelty`` 30 · ``applicability`` 30 · ``effect`` 40; youth
``novelty`` 40 · ``effect`` 30 · ``design`` 20 · ``materials`` 10.

Prizes (RULES §5.6), highest first: ``special`` (Giải Đặc biệt: by hand, no band, no quota),
``first`` ≥ 85, ``second`` ≥ 75, ``third`` ≥ 65, ``merit`` (Khuyến khích) ≥ 55, then
``movement`` (giải phong trào: by hand, no band, no quota). Technical quotas 1/2/4/8 per field;
youth quotas 5/10/30/60 over the whole edition (every youth prize has scope ``edition``, so the
youth ranking runs over the whole edition; every technical prize has scope ``field``).

Dossier checklist (RULES §3): every field requires the description, photos of the product and
the unit's confirmation; technical fields also the full text; the youth software field (``PM``)
also source code, installer and instructions. Video is always optional. The unit's
confirmation is for organizers only: judges never receive it (it names the unit by design).

Other values: ages 6–19 (youth) / none (technical); at most 5 / 10 authors; 2 judges per entry;
discrepancy threshold 20; one round, ``final``, without cutoff; no amounts, no national maximum
and no ``applied_since`` (the edition sets them).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ..timeutil import LOCAL_TZ
from .models import ContestKind, default_organizer_only
from .spec import CriterionSpec, EditionSpec, FieldSpec, PrizeSpec, RoundSpec

TECHNICAL_FIELDS = (
    ("CNTT", "Công nghệ thông tin, điện tử, viễn thông"),
    ("CK", "Cơ khí tự động hóa, xây dựng, giao thông vận tải"),
    ("VL", "Vật liệu, hóa chất, năng lượng"),
    ("NLN", "Nông lâm ngư nghiệp, tài nguyên và môi trường"),
    ("YD", "Y dược"),
    ("GD", "Giáo dục và đào tạo"),
)

YOUTH_FIELDS = (
    ("HT", "Đồ dùng dành cho học tập"),
    ("PM", "Phần mềm tin học"),
    ("MT", "Sản phẩm thân thiện với môi trường"),
    ("GD", "Các dụng cụ sinh hoạt gia đình và đồ chơi trẻ em"),
    (
        "BDKH",
        "Các giải pháp kỹ thuật nhằm ứng phó với biến đổi khí hậu, bảo vệ môi trường và "
        "phát triển kinh tế",
    ),
)

TECHNICAL_CRITERIA = (
    ("novelty", "Tính mới, tính sáng tạo", 30),
    ("applicability", "Khả năng áp dụng", 30),
    ("effect", "Hiệu quả kinh tế – kỹ thuật – xã hội", 40),
)

YOUTH_CRITERIA = (
    ("novelty", "Tính mới, tính sáng tạo", 40),
    ("effect", "Hiệu quả và khả năng áp dụng", 30),
    ("design", "Tính mỹ thuật, công nghệ, tự động hóa, thông minh", 20),
    ("materials", "Nguyên vật liệu, năng lượng sử dụng", 10),
)

# (code, name, band, technical quota per field, youth quota over the edition)
RANKED_PRIZES = (
    ("first", "Giải Nhất", 85, 1, 5),
    ("second", "Giải Nhì", 75, 2, 10),
    ("third", "Giải Ba", 65, 4, 30),
    ("merit", "Giải Khuyến khích", 55, 8, 60),
)

BASE_ATTACHMENTS = ("description", "photos", "unit_confirmation")
TECHNICAL_ATTACHMENTS = ("description", "full_text", "photos", "unit_confirmation")
SOFTWARE_ATTACHMENTS = BASE_ATTACHMENTS + ("source_code", "installer", "instructions")
SOFTWARE_FIELD = "PM"


def default_attachments(kind: str, field_code: str) -> list[str]:
    """The template's dossier checklist for a field of a ``kind`` edition."""
    if kind == ContestKind.TECHNICAL:
        return list(TECHNICAL_ATTACHMENTS)
    if field_code == SOFTWARE_FIELD:
        return list(SOFTWARE_ATTACHMENTS)
    return list(BASE_ATTACHMENTS)


def template_spec(kind: str, slug: str, title: str, deadline: datetime) -> EditionSpec:
    """A new edition's configuration from the built-in template of ``kind``.

    The reference date is the deadline's local date (RULES §1)."""
    kind = ContestKind(kind)
    youth = kind == ContestKind.YOUTH
    scope = "edition" if youth else "field"
    fields = YOUTH_FIELDS if youth else TECHNICAL_FIELDS
    criteria = YOUTH_CRITERIA if youth else TECHNICAL_CRITERIA
    prizes = [PrizeSpec("special", "Giải Đặc biệt", None, None, scope, None, automatic=False)]
    for code, name, band, technical_quota, youth_quota in RANKED_PRIZES:
        quota = youth_quota if youth else technical_quota
        prizes.append(PrizeSpec(code, name, Decimal(band), quota, scope, None, automatic=True))
    prizes.append(PrizeSpec("movement", "Giải phong trào", None, None, scope, None, False))
    return EditionSpec(
        slug=slug,
        title=title,
        kind=kind.value,
        submission_deadline=deadline,
        reference_date=deadline.astimezone(LOCAL_TZ).date(),
        age_min=6 if youth else None,
        age_max=19 if youth else None,
        max_authors=5 if youth else 10,
        applied_since=None,
        judges_per_entry=2,
        discrepancy_threshold=Decimal(20),
        national_max=None,
        fields=[FieldSpec(c, n, default_attachments(kind, c)) for c, n in fields],
        organizer_only_attachments=default_organizer_only(),
        criteria=[CriterionSpec(c, n, Decimal(m)) for c, n, m in criteria],
        tiebreak=None,
        rounds=[RoundSpec("final", None, "Vòng chung khảo")],
        prizes=prizes,
    )
