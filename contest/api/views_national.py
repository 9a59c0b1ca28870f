"""Province → national over the API.

* ``POST /editions/<slug>/national-packages`` — import a signed national package (the ZIP
  ``contest national export`` writes) into the national edition ``slug``, through the same
  :func:`contest.national.intake.import_file` as ``contest national import`` (organizers,
  write scope). The request body is the raw ZIP with ``Content-Type: application/zip`` (no
  multipart). 201 with the counts; 409 when the edition is not national; 422 naming the
  problem (bad signature, hash mismatch, unknown field…), nothing written.
"""

from __future__ import annotations

import tempfile

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..contests import pages_support as support
from ..contests.national_flag import is_national
from ..extensions import db
from ..national import intake
from ..national.package import PackageError, package_key
from ..storage import get_storage
from .core import bp, json_answer, operation
from .problems import Problem

ZIP = "application/zip"
CHUNK = 1024 * 1024

IMPORT_SCHEMA = {
    "type": "object",
    "required": ["province", "province_code", "created", "updated", "unchanged", "codes"],
    "properties": {
        "province": {"type": "string"},
        "province_code": {"type": "string"},
        "created": {"type": "integer", "minimum": 0},
        "updated": {"type": "integer", "minimum": 0},
        "unchanged": {"type": "integer", "minimum": 0},
        "files_stored": {"type": "integer", "minimum": 0},
        "codes": {
            "type": "object",
            "properties": {
                k: {"type": "array", "items": {"type": "string"}}
                for k in ("created", "updated", "unchanged")
            },
        },
    },
}


@bp.post("/editions/<slug>/national-packages")
@operation(
    summary="Tiếp nhận gói hồ sơ cấp tỉnh vào lần thi toàn quốc",
    tags=("national",),
    scope="write",
    roles=(Role.ORGANIZER,),
    body={ZIP: {"schema": {"type": "string", "format": "binary"}}},
    response=IMPORT_SCHEMA,
    status=201,
    errors=(403, 404, 409, 413, 415, 422),
    description=(
        "Thân yêu cầu là chính tệp ZIP của gói hồ sơ (`contest national export`), gửi với "
        "`Content-Type: application/zip` (không dùng multipart). Tiếp nhận như "
        "`contest national import`: gói được kiểm tra chữ ký và mã băm từng tệp; gửi lại "
        "cùng gói không tạo bản trùng. 409: lần thi không phải toàn quốc; 422: gói bị từ "
        "chối (lý do trong `detail`), không ghi gì."
    ),
)
def national_package(slug: str):
    """Import a signed national package (raw ZIP body) into the national edition."""
    edition = support.edition_or_404(slug)
    if request.mimetype != ZIP:
        raise Problem(415, _("Hãy gửi tệp ZIP với Content-Type: application/zip."),
                      code="zip-required")  # fmt: skip
    if not is_national(edition):
        raise Problem(409, _("Lần thi này không phải lần thi toàn quốc."), code="not-national")
    spool = get_storage().spool_dir()
    spool.mkdir(parents=True, exist_ok=True)
    with tempfile.SpooledTemporaryFile(max_size=intake.SPOOL_MEMORY, dir=str(spool)) as buffer:
        while chunk := request.stream.read(CHUNK):
            buffer.write(chunk)
        buffer.seek(0)
        try:
            result = intake.import_file(
                buffer, edition, current_user._get_current_object(), package_key()
            )
        except PackageError as exc:
            raise Problem(422, exc.message, code="package-refused") from None
    db.session.commit()
    intake.delete_stale(result.stale_keys)
    return json_answer(
        {
            "province": result.province_name,
            "province_code": result.province_code,
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
            "files_stored": result.files_stored,
            "codes": {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        },
        201,
        conditional=False,
    )
