"""The ``certificates.generate`` job: issue a version's certificates, render each as a PDF,
and store them in one ZIP.

Params ``{"batch_id", "slug"}`` (the :class:`CertificateBatch` holds the version and the printed
settings). Steps:

1. ``issue_for`` the batch's version (refused if it was superseded meanwhile), then COMMIT:
   the codes exist from now on (a re-run finds them: issuing is idempotent), and the
   version's row lock is released before the long rendering.
2. Render each certificate (progress per certificate) into a ZIP written to a ``.part`` file
   in the storage's spool folder, with ``danh-sach-giay-chung-nhan.xlsx`` (index of codes).
3. Put the finished ZIP in place under a fresh key (an atomic rename), and record the key on
   the batch; the job runner commits it with the job's success.

A worker killed during 2 leaves only a ``.part`` file (swept after a day by the storage) and a
batch without ``zip_key``: nothing half-written is ever offered for download; the redelivered
job renders again from the start.
"""

from __future__ import annotations

import io
import os
import secrets
import zipfile
from typing import Any

from flask_babel import lazy_gettext as _l

from ..contests.models import Edition
from ..extensions import db
from ..jobs.models import Job
from ..jobs.operations import Progress, create_job, job_handler
from ..publication.models import Publication
from ..storage import get_storage, new_key
from ..tabular import write_xlsx
from ..timeutil import to_local, utcnow
from . import operations as certificates
from . import pdf as certificate_pdf
from .models import Certificate, CertificateBatch

KIND = "certificates.generate"
ZIP_TYPE = "application/zip"
INDEX_NAME = "danh-sach-giay-chung-nhan.xlsx"
INDEX_HEADER = (
    "STT",
    "Mã xác thực",
    "Mã hồ sơ",
    "Tác giả",
    "Tên giải pháp/sản phẩm",
    "Giải",
    "Tệp",
    "Đường dẫn xác thực",
)


def create_generate_job(batch: CertificateBatch, edition: Edition, user=None) -> Job:
    """Add the pending job that generates ``batch`` of ``edition`` (flushes; commit
    dispatches it)."""
    job = create_job(KIND, {"batch_id": batch.id, "slug": edition.slug}, user=user, total=1)
    batch.job_id = job.id
    db.session.flush()
    return job


@job_handler(KIND, label=_l("Tạo giấy chứng nhận"))
def generate(job: Job, progress: Progress) -> dict[str, Any]:
    """Issue, render and store the batch's certificates (module docstring)."""
    batch_id = job.params["batch_id"]
    batch = db.session.get(CertificateBatch, batch_id)
    if batch is None:
        raise certificates.CertificateError(str(_l("Không còn đợt tạo giấy chứng nhận này.")))
    publication = db.session.get_one(Publication, batch.publication_id)
    outcome = certificates.issue_for(publication, batch.created_by)
    db.session.commit()  # step 1 is final: codes exist; the version's lock is released

    batch = db.session.get_one(CertificateBatch, batch_id)
    publication = db.session.get_one(Publication, batch.publication_id)
    edition = db.session.get_one(Edition, publication.edition_id)
    items = certificates.certificates_of(publication)
    total = len(items) + 1
    progress(0, total, str(_l("Đang tạo giấy chứng nhận")))
    settings = certificate_pdf.PrintSettings.from_batch(batch)
    key, size = _write_zip(items, settings, edition.kind, progress, total)

    batch.zip_key = key
    batch.zip_size = size
    batch.certificate_count = len(items)
    batch.finished_at = utcnow()
    db.session.flush()
    progress(total, total, str(_l("Đã tạo xong giấy chứng nhận")))
    return {
        "batch_id": batch.id,
        "version": publication.version,
        "certificates": len(items),
        "issued": outcome.issued,
        "carried_over": outcome.carried,
        "revoked": len(outcome.revoked),
    }


def _write_zip(
    items: list[Certificate],
    settings: certificate_pdf.PrintSettings,
    kind: str,
    progress: Progress,
    total: int,
) -> tuple[str, int]:
    """Write the ZIP to a spool file, then put it in storage; returns (key, size)."""
    storage = get_storage()
    spool = storage.spool_dir()
    spool.mkdir(parents=True, exist_ok=True)
    partial = spool / f"{secrets.token_hex(16)}.part"
    renderer = certificate_pdf.Renderer()
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
            rows = []
            for done, certificate in enumerate(items, start=1):
                name = certificate_pdf.file_name(certificate)
                pdf = renderer.pdf(certificate, settings, kind)
                archive.writestr(zipfile.ZipInfo(name, _zip_time()), pdf, zipfile.ZIP_DEFLATED)
                rows.append(
                    (
                        done,
                        certificate.display_code,
                        certificate.entry_code,
                        certificate.author_name,
                        certificate.entry_title,
                        certificate.prize_name,
                        name,
                        certificate_pdf.verify_url(certificate.code),
                    )
                )
                progress(done, total, certificate.display_code)
            index = io.BytesIO()
            write_xlsx(index, INDEX_HEADER, rows, title="Giấy chứng nhận")
            archive.writestr(
                zipfile.ZipInfo(INDEX_NAME, _zip_time()), index.getvalue(), zipfile.ZIP_DEFLATED
            )
        size = partial.stat().st_size
        key = new_key("certificates", ZIP_TYPE)
        storage.put(partial, key)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return key, size


def _zip_time() -> tuple[int, int, int, int, int, int]:
    """The ZIP entries' time stamp: now, local time."""
    now = to_local(utcnow())
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)
