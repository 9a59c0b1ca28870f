"""The REST API (issue 18) in the role × route matrix. A session cookie does not authenticate
``/api/v1`` (tokens only: tests/api/test_access_matrix.py checks every operation × persona
with tokens), so every persona's session gets 401 there, except the public operations (the
description, its documentation page, publications and certificate verification). The
profile's token routes are for admins, organizers, coordinators and judges."""

from __future__ import annotations


def matrix() -> dict:
    from tests.test_access_matrix import ORGANIZERS, PERSONAS, Spec, post_only, public

    def token_only(status: int = 401, get: bool = True) -> Spec:
        return Spec((), get=get, override={p: status for p in PERSONAS})

    token_routes = [
        "me",
        "editions",
        "edition",
        "definition",
        "entries",
        "entry",
        "attachment",
        "attachment_content",
        "assignments",
        "judge_entry",
        "judge_attachment",
        "judge_attachment_content",
        "sheet",
        "progress",
        "runs",
        "run",
        "job",
        "webhooks",
        "webhook_deliveries",
        "national_selection",
    ]
    specs = {f"api.{name}": token_only() for name in token_routes}
    for name in (
        "create_edition",
        "import_entries_file",
        "compile_results",
        "create_webhook",
        "national_package",
    ):
        specs[f"api.{name}"] = token_only(get=False)
    # PUT and DELETE only: the matrix's POST is not allowed.
    specs["api.save_sheet"] = token_only(405)
    specs["api.delete_webhook"] = token_only(405)
    specs.update(
        {
            "api.publications": public(),
            "api.certificate": public(),
            "api.openapi": public(),
            "api.docs": public(),
            "api_tokens.create": post_only(*ORGANIZERS, "coordinator", "judge"),
            "api_tokens.revoke": post_only(*ORGANIZERS, "coordinator", "judge"),
        }
    )
    return specs


def extend_world(world: dict, users: dict) -> None:
    """Ids for ``/api/v1/results/runs/<run_id>`` and ``/api/v1/webhooks/<webhook_id>`` (the
    session is refused before any lookup)."""
    world.setdefault("run_id", 999999)
    world.setdefault("webhook_id", 999999)
