"""The REST API: ``/api/v1``, personal access tokens, an OpenAPI 3.1 description.

* :mod:`.models`, :mod:`.tokens` — personal access tokens (hash stored, scope, expiry,
  revocation, last use); :mod:`.views_tokens` and ``templates/api/_tokens.html`` — the
  profile page's part.
* :mod:`.core` — authentication, scope, roles, rate limits (:mod:`.ratelimit`), language,
  ETags and cursors shared by every operation; :mod:`.problems` — RFC 9457 errors.
* ``views_*`` — the resources, thin over the same loaders and operations as the pages.
* :mod:`.spec` — the OpenAPI description and the documentation page.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import force_locale


def register(app: Flask) -> None:
    """Register the API blueprint, the profile's token routes and their hooks on ``app``."""
    from ..extensions import csrf

    # The models (the table is part of the metadata) and every module declaring operations.
    from . import (  # noqa: F401
        models,
        spec,
        views_editions,
        views_entries,
        views_judging,
        views_national,
        views_results,
        views_webhooks,
    )
    from . import tasks as _tasks  # noqa: F401 - registers the webhook tasks
    from .core import bp
    from .views_tokens import api_token_panel
    from .views_tokens import bp as tokens_bp
    from .webhooks import listen

    # Token requests carry no cookie, so no CSRF token; core._csrf_check keeps the check for
    # any unsafe request without a token.
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(tokens_bp)
    app.add_template_global(api_token_panel, "api_token_panel")
    app.after_request(_problem_for_app_errors)
    listen()  # events → webhook deliveries, in the transaction of the action


def _problem_for_app_errors(response):
    """Errors the app answers before an API view runs (an unknown path or method, refused
    characters, a number too large for an id) become problem details in the caller's
    language too."""
    if (
        response.status_code < 400
        or not request.path.startswith("/api/")
        or response.mimetype == "application/problem+json"
    ):
        return response
    from .core import api_locale
    from .problems import Problem, problem_response

    locale = api_locale()
    request.environ["contest.api_locale"] = locale
    with force_locale(locale):
        problem = Problem(response.status_code)
        if response.status_code == 405:
            from flask import current_app

            adapter = current_app.url_map.bind_to_environ(request.environ)
            problem.headers["Allow"] = ", ".join(sorted(adapter.allowed_methods()))
        return problem_response(problem)
