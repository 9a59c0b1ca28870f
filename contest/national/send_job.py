"""The one-step send of a province's national selection to a national edition on the same
instance, as a background job (``national.send``): building and importing the package reads
and hashes every file of the selected entries (videos included), which is no work for a web
request. The job's page shows what arrived, or why nothing was sent."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..contests.models import Edition
from ..contests.tenancy import ALL_PROVINCES
from ..extensions import db
from ..jobs.models import Job
from ..jobs.operations import Progress, after_success, create_job, job_handler
from . import intake
from .package import PackageError

KIND = "national.send"


def check(source: Edition, target: Edition | None) -> None:
    """Refuse at once what no job could do: no target, the edition itself, a provincial
    target (:class:`PackageError` with the message for the organizer)."""
    if target is not None and source.id == target.id:
        raise PackageError(_l("Không gửi được một lần thi vào chính nó."))
    if target is None or not intake.is_national(target):
        raise PackageError(_l("Hãy chọn một lần thi toàn quốc."))


def start(source: Edition, target: Edition | None, actor) -> Job:
    """Check, then add the job (the caller commits and dispatches)."""
    check(source, target)
    assert target is not None  # check refuses a missing target
    return create_job(KIND, {"source_id": source.id, "target_id": target.id}, actor, total=1)


@job_handler(KIND, label=_l("Gửi hồ sơ sang lần thi toàn quốc"))
def send(job: Job, progress: Progress) -> dict[str, Any]:
    """Build the package and import it into the national edition (idempotent: a second run
    finds every entry unchanged)."""
    options = {ALL_PROVINCES: True}
    source = db.session.get(Edition, job.params["source_id"], execution_options=options)
    target = db.session.get(Edition, job.params["target_id"], execution_options=options)
    if source is None or target is None:
        return {"refused": str(_l("Lần thi không còn tồn tại."))}
    try:
        result = intake.send_same_instance(source, target, job.created_by)
    except PackageError as exc:
        db.session.rollback()
        return {"refused": str(exc.message), "target": target.title}
    stale = list(result.stale_keys)
    after_success(lambda: intake.delete_stale(stale))
    progress(1)
    return {
        "target": target.title,
        "target_slug": target.slug,
        "province": result.province_name,
        "created": len(result.created),
        "updated": len(result.updated),
        "unchanged": len(result.unchanged),
        "files_stored": result.files_stored,
    }
