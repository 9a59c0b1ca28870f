"""Public certificate verification (blueprint ``verify``, the QR code's target).

Anyone may check a code: the page shows what the certificate says (the author's name — the
point of a certificate —, the entry's title, the prize, the edition and version, the issue
date) and whether it is valid or revoked (with the reason, the date and the replacement's
code). Nothing else about the author (birth date, contact) is ever shown. Codes are 60 random
bits, so they cannot be guessed; the pages ask search engines not to index them.
"""

from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request, url_for

from . import operations as certificates
from .operations import Status, format_code, normalize_code

bp = Blueprint("verify", __name__, url_prefix="/verify")


def _private(response):
    """Keep the page out of search engines (it names a person)."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/")
def lookup():
    """A form to type a code; ``?code=`` goes to that code's page (or says it is malformed)."""
    typed = (request.args.get("code") or "").strip()
    error = False
    if typed:
        canonical = normalize_code(typed)
        if canonical is not None:
            return redirect(url_for(".certificate", cert_code=format_code(canonical)))
        error = True
    response = make_response(
        render_template("certificates/verify_lookup.html", typed=typed[:64], error=error),
        400 if error else 200,
    )
    return _private(response)


@bp.get("/<cert_code>")
def certificate(cert_code: str):
    """The verdict on one code: valid, revoked (red), or not found (404)."""
    canonical = normalize_code(cert_code)
    if canonical is not None and cert_code != format_code(canonical):
        return redirect(url_for(".certificate", cert_code=format_code(canonical)))
    result = certificates.verify(cert_code)
    if result.status == Status.UNKNOWN:
        response = make_response(
            render_template("certificates/verify_not_found.html", typed=cert_code[:64]), 404
        )
        return _private(response)
    found = result.certificate
    assert found is not None  # every verdict but UNKNOWN carries its certificate
    response = make_response(
        render_template(
            "certificates/verify_certificate.html",
            result=result,
            certificate=found,
            publication=found.publication,
            valid=result.status == Status.VALID,
            replacement=result.replacement,
        )
    )
    return _private(response)
