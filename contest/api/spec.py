"""The OpenAPI 3.1 description of ``/api/v1``, generated from the code with apispec and
marshmallow: every route of the ``api`` blueprint is described from the metadata its
:func:`.core.operation` declares (summary, tags, authentication, scope, schemas, answers),
so a new operation cannot be left out. Served at ``/api/v1/openapi.json``; the
documentation page ``/api/v1/docs`` is Swagger UI, vendored under
``contest/static/vendor/swagger-ui-5.36.0`` (no CDN).
"""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, render_template
from marshmallow import Schema

from . import schemas
from .core import PUBLIC, bp, json_answer, operation
from .problems import PROBLEM_TYPE

TITLE = "Contest REST API"
VERSION = "1.0.0"
MAX_ID = 2**31 - 1
PARAM = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")
PATH_PARAM_SCHEMAS = {
    "int": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    "string": {"type": "string", "minLength": 1, "maxLength": 80, "pattern": "^[A-Za-z0-9_.-]+$"},
}


def _path(rule: str) -> tuple[str, list[dict]]:
    """An OpenAPI path and its parameters for a werkzeug ``rule``."""
    parameters = []
    for match in PARAM.finditer(rule):
        converter = match.group("converter") or "string"
        parameters.append(
            {
                "in": "path",
                "name": match.group("name"),
                "required": True,
                "schema": dict(PATH_PARAM_SCHEMAS.get(converter, PATH_PARAM_SCHEMAS["string"])),
            }
        )
    return PARAM.sub(lambda m: "{" + m.group("name") + "}", rule), parameters


def _problem(description: str) -> dict:
    return {"description": description, "content": {PROBLEM_TYPE: {"schema": "Problem"}}}


ERROR_TEXT = {
    304: "Not modified (If-None-Match)",
    400: "Bad request",
    401: "Missing, invalid, expired or revoked token",
    403: "Forbidden: role or token scope",
    404: "Not found (or not visible to the caller)",
    409: "Conflict",
    412: "If-Match does not match the current ETag",
    413: "Too large",
    415: "Unsupported media type",
    422: "Invalid data (every problem listed in `errors`)",
    423: "Locked (withheld file)",
    428: "If-Match or version required",
    429: "Rate limited (Retry-After)",
}


def _operation(method: str, meta: dict, parameters: list[dict], endpoint: str) -> dict:
    """The OpenAPI operation object of one route."""
    op: dict = {
        "operationId": endpoint.removeprefix("api."),
        "summary": meta["summary"],
        "description": meta["description"],
        "tags": meta["tags"],
        "parameters": list(parameters),
    }
    if meta["query"] is not None:
        op["parameters"].append({"in": "query", "schema": meta["query"]})
    body = meta["body"]
    if isinstance(body, type) and issubclass(body, Schema):
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    elif isinstance(body, dict) and any("/" in k for k in body):
        op["requestBody"] = {"required": True, "content": body}
    elif isinstance(body, dict):
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    status = str(meta["status"])
    if meta["content"]:
        schema = (
            {"type": "string"}
            if meta["content"].startswith("text/")
            else {
                "type": "string",
                "format": "binary",
            }
        )
        ok: dict[str, Any] = {
            "description": "OK",
            "content": {meta["content"]: {"schema": schema}},
        }
    elif meta["response"] is not None:
        ok = {"description": "OK", "content": {"application/json": {"schema": meta["response"]}}}
    else:
        ok = {"description": "OK"}
    if meta["status"] == 200 and method == "get":
        ok.setdefault("headers", {})["ETag"] = {"schema": {"type": "string"}}
    responses = {status: ok}
    errors = {400, 429, *meta["errors"]}
    if meta["auth"] != PUBLIC:
        errors.add(401)
        op["security"] = [{"bearerAuth": []}]
        if meta["scope"] == "write" or meta["roles"]:
            errors.add(403)
    else:
        op["security"] = []
    if method == "get":
        responses["304"] = {"description": ERROR_TEXT[304]}
    for code in sorted(errors):
        responses[str(code)] = _problem(ERROR_TEXT.get(code, "Error"))
    op["responses"] = responses
    extras = []
    if meta["auth"] != PUBLIC:
        extras.append(f"Token scope: `{meta['scope']}`.")
    if meta["roles"]:
        extras.append("Roles: " + ", ".join(f"`{r}`" for r in meta["roles"]) + ".")
    if extras:
        op["description"] = (op["description"] + "\n\n" + " ".join(extras)).strip()
    return op


def build_spec(app) -> dict:
    """The OpenAPI document of every route of the ``api`` blueprint of ``app``."""
    spec = APISpec(
        title=TITLE,
        version=VERSION,
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={
            "description": (
                "REST API of the contest service. Authenticate with a personal access token "
                "(profile page): `Authorization: Bearer ctk_…`. Errors are RFC 9457 "
                "problem details in the language of `Accept-Language` (vi, en)."
            )
        },
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", schema=schemas.ProblemSchema)
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if not rule.endpoint.startswith(f"{bp.name}."):
            continue
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "api_meta", None)
        if meta is None:
            continue
        path, parameters = _path(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                method.lower(), meta, parameters, rule.endpoint
            )
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def cached_spec() -> dict:
    """The app's description (built once per app)."""
    found = current_app.extensions.get("api_openapi")
    if found is None:
        found = build_spec(current_app)
        current_app.extensions["api_openapi"] = found
    return found


@bp.get("/openapi.json")
@operation(
    summary="Mô tả OpenAPI 3.1 của API",
    tags=("meta",),
    auth=PUBLIC,
    response={"type": "object", "additionalProperties": True},
)
def openapi():
    """This description."""
    return json_answer(cached_spec())


@bp.get("/docs")
@operation(
    summary="Trang tài liệu API",
    tags=("meta",),
    auth=PUBLIC,
    content="text/html",
)
def docs():
    """Swagger UI on this description (assets served by the service itself)."""
    from flask_babel import get_locale

    rows = [
        {"method": method.upper(), "path": path, "summary": op["summary"]}
        for path, ops in cached_spec()["paths"].items()
        for method, op in ops.items()
    ]
    page = render_template("api/docs.html", operations=rows, lang=str(get_locale()))
    response = current_app.make_response(page)
    # Swagger UI sets inline styles; scripts stay 'self' only.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "frame-ancestors 'none'"
    )
    return response
