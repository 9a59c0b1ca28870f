"""Results runs, the compile job and job progress (organizers), and public certificate
verification.

* ``GET /editions/<slug>/results/runs`` and ``GET /results/runs/<id>`` — stored runs (rows:
  code, rank, score, prize proposal);
* ``POST /editions/<slug>/results/compile`` — create the round's compile job
  (:func:`contest.results.tasks.create_compile_job`, committed then dispatched by
  :func:`contest.jobs.operations.commit`) and answer 202 with the job to poll;
* ``GET /jobs/<id>`` — a job the caller may see (:meth:`contest.jobs.models.Job.visible_to`;
  another user's job does not exist: 404);
* ``GET /certificates/<code>`` — the ``/verify`` verdict, public (no token).
"""

from __future__ import annotations

from flask import g, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import Role
from ..audit.operations import record
from ..certificates import operations as certificates
from ..certificates.operations import Status, format_code
from ..contests import pages_support as support
from ..extensions import db
from ..jobs.models import Job
from ..jobs.operations import commit
from ..results import tasks
from ..results.compile import CompileError, check_compilable
from ..results.config_from_edition import ordered_rounds
from ..results.models import ResultsRun
from . import schemas
from .core import PUBLIC, bp, json_answer, operation
from .problems import Problem
from .views_editions import _moment
from .views_judging import points_text


def run_json(run: ResultsRun) -> dict:
    return {
        "id": run.id,
        "edition": run.edition.slug,
        "round": run.round.code,
        "number": run.number,
        "entry_count": run.entry_count,
        "created_at": _moment(run.created_at),
        "job_id": run.job_id,
    }


@bp.get("/editions/<slug>/results/runs")
@operation(
    summary="Các lần tổng hợp kết quả",
    tags=("results",),
    roles=(Role.ORGANIZER,),
    response=schemas.RunListSchema,
    errors=(403, 404),
)
def runs(slug: str):
    """Every stored run of the edition, newest first (organizers)."""
    edition = support.edition_or_404(slug)
    found = db.session.scalars(
        select(ResultsRun).where(ResultsRun.edition_id == edition.id).order_by(ResultsRun.id.desc())
    )
    return json_answer({"items": [run_json(r) for r in found]})


@bp.get("/results/runs/<int:run_id>")
@operation(
    summary="Một lần tổng hợp và bảng kết quả",
    tags=("results",),
    roles=(Role.ORGANIZER,),
    response=schemas.RunDetailSchema,
    errors=(403, 404),
)
def run(run_id: int):
    """One run and its rows in the results file's order (organizers)."""
    found = db.session.get(ResultsRun, run_id)
    if found is None:
        raise Problem(404)
    rows = [
        {
            "entry_id": r.entry_id,
            "code": r.entry_code,
            "rank": r.rank,
            "score": points_text(r.score) if r.score is not None else None,
            "prize": r.prize_code,
        }
        for r in found.rows
    ]
    return json_answer({**run_json(found), "rows": rows})


def job_json(job: Job) -> dict:
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "total": job.total,
        "message": job.message or "",
        "result": job.result,
        "url": url_for("api.job", job_id=job.id),
    }


@bp.post("/editions/<slug>/results/compile")
@operation(
    summary="Tổng hợp kết quả một vòng (tạo công việc)",
    tags=("results",),
    scope="write",
    roles=(Role.ORGANIZER,),
    body=schemas.CompileSchema,
    response=schemas.JobSchema,
    status=202,
    errors=(403, 404, 409, 415, 422),
)
def compile_results(slug: str):
    """Create the compile job of ``round`` (default: the last round); poll ``url``."""
    edition = support.edition_or_404(slug)
    rounds = ordered_rounds(edition)
    code = g.body.get("round")
    if code:
        round_ = next((r for r in rounds if r.code == code), None)
    else:
        round_ = rounds[-1] if rounds else None
    if round_ is None:
        raise Problem(404, _("Không có vòng thi này."), code="unknown-round")
    try:
        check_compilable(edition, round_)
    except CompileError as exc:
        raise Problem(409, str(exc.message), code="not-compilable") from None
    job = tasks.create_compile_job(edition, round_, user=current_user)
    record(current_user, "job.start", "job", job.id, kind=job.kind, round=round_.code)
    job_id = job.id
    commit()
    created = db.session.get_one(Job, job_id)
    response = json_answer(job_json(created), status=202, conditional=False)
    response.headers["Location"] = url_for("api.job", job_id=job_id)
    return response


@bp.get("/jobs/<int:job_id>")
@operation(
    summary="Tiến độ một công việc",
    tags=("results",),
    response=schemas.JobSchema,
    errors=(404,),
)
def job(job_id: int):
    """A job its creator or an organizer may see (anyone else: 404)."""
    found = db.session.get(Job, job_id)
    if found is None or not found.visible_to(current_user):
        raise Problem(404)
    return json_answer(job_json(found))


@bp.get("/certificates/<cert_code>")
@operation(
    summary="Xác minh giấy chứng nhận",
    tags=("certificates",),
    auth=PUBLIC,
    response=schemas.CertificateSchema,
    errors=(404,),
)
def certificate(cert_code: str):
    """Whether a certificate code is valid or revoked (public, like ``/verify``); an
    unknown or malformed code is 404."""
    result = certificates.verify(cert_code)
    if result.status == Status.UNKNOWN:
        raise Problem(404, _("Không có giấy chứng nhận nào mang mã này."), code="unknown-code")
    found = result.certificate
    assert found is not None  # every status but UNKNOWN comes with the certificate
    answer = {
        "code": format_code(found.code),
        "status": str(result.status),
        "edition_title": found.edition_title,
        "recipient": found.author_name,
        "entry_code": found.entry_code,
        "entry_title": found.entry_title,
        "prize": found.prize_name,
        "issued_at": _moment(found.issued_at),
        "revoked_at": _moment(found.revoked_at),
        "revoked_reason": found.revoked_reason or "",
        "replacement": format_code(result.replacement.code) if result.replacement else None,
    }
    response = json_answer(answer)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/me")
@operation(
    summary="Khoá đang dùng và chủ của nó",
    tags=("tokens",),
    response=schemas.TokenInfoSchema,
)
def me():
    """The token of the request and its owner's roles."""
    token = g.api_token
    return json_answer(
        {
            "id": token.id,
            "name": token.name,
            "scope": token.scope,
            "expires_at": _moment(token.expires_at),
            "user_id": current_user.id,
            "user_name": current_user.display_name,
            "roles": sorted(current_user.role_names),
        }
    )


def _national_item(item) -> dict:
    published = item.entry
    return {
        "number": item.number,
        "entry_id": published.entry_id,
        "code": published.entry_code,
        "title": published.title,
        "prize": published.prize_name,
        "score": points_text(published.score) if published.score is not None else None,
        "proposed": item.proposed,
        "why": item.why(),
        "national_result": item.result.result if item.result is not None else None,
    }


@bp.get("/editions/<slug>/national")
@operation(
    summary="Danh sách gửi thi toàn quốc",
    tags=("results",),
    roles=(Role.ORGANIZER,),
    response=schemas.NationalSchema,
    errors=(403, 404),
)
def national_selection(slug: str):
    """The national selection as the organizers' page shows it: the entries sent (numbered,
    with why each is there and its national result) and the winners removed (organizers)."""
    from ..national import selection as national

    edition = support.edition_or_404(slug)
    chosen = national.selection(edition)
    return json_answer(
        {
            "edition": edition.slug,
            "publication_version": chosen.publication.version if chosen.publication else None,
            "national_max": chosen.national_max,
            "over_limit": chosen.over_limit,
            "selected": [_national_item(i) for i in chosen.items],
            "removed": [_national_item(i) for i in chosen.removed],
        }
    )
