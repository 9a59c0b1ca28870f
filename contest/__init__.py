"""The contest web service: application factory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None, config_name: str | None = None) -> Flask:
    """Create and configure the app: settings, extensions, blueprints, error handlers, CLI.

    Pure by design: no migrations, no ``create_all`` and no network access happen here.
    """
    from config import REQUIRED_IN_PRODUCTION, get_config

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    testing = bool(test_config and test_config.get("TESTING"))
    config_class = get_config("testing" if testing else config_name)
    app.config.from_object(config_class)
    if test_config:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    if config_class.ENV_NAME == "production":
        missing = [k for k in REQUIRED_IN_PRODUCTION if not app.config.get(k)]
        if missing:
            raise RuntimeError(
                "production configuration is missing: "
                + ", ".join(missing)
                + " (set SECRET_KEY, DATABASE_URL and REDIS_URL)"
            )
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "contest.sqlite3"
        )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path)
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = os.path.join(app.instance_path, "uploads")
    from .storage import check_config

    check_config(app.config)  # STORAGE_BACKEND=s3 without S3_BUCKET stops here

    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    _init_extensions(app)
    from .accounts import passwords

    passwords.configure(app.config)
    _register_blueprints(app)
    from . import wiring

    wiring.wire()  # job handlers, deletion guards, publish hooks, tasks, round membership
    from .contests import tenancy

    tenancy.install()  # staff of a province reach only its editions

    from . import errors, input_guard, security_headers, templating

    errors.register(app)
    security_headers.register(app)
    templating.register(app)
    input_guard.register(app)  # after the language choice (templating), before any view
    from .publication import public_fast

    public_fast.install(app)  # cached public pages for cookie-less visitors

    from .cli import register_cli

    register_cli(app)
    return app


def _instance_secret_key(instance_path: str) -> str:
    """A secret key kept in the instance folder, so every process of the embedded default
    signs sessions with the same key (a per-process key logs people out at random)."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _init_extensions(app: Flask) -> None:
    from . import i18n
    from .celery_app import celery_init_app
    from .extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        timezone_selector=lambda: "Asia/Ho_Chi_Minh",
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    celery_init_app(app)

    # Import every model so that metadata is complete (migrations, drift check).
    from . import mail, models  # noqa: F401
    from .accounts import session_auth

    session_auth.init(app)


#: The view modules of what follows the results (RULES §6), each with one blueprint:
#: publishing and complaints, the public results, certificates (organizers, entrants, public
#: verification), the national selection, statistics and the summary report.
PUBLICATION_VIEWS = (
    "publication.views_publish",
    "publication.views_complaints",
    "publication.views_public",
    "certificates.views",
    "certificates.views_entrant",
    "certificates.views_public",
    "national.views_selection",
    "reports.views",
)


def _register_publication(app: Flask) -> None:
    """Register the blueprints of :data:`PUBLICATION_VIEWS`, in that order."""
    from importlib import import_module

    for name in PUBLICATION_VIEWS:
        app.register_blueprint(import_module(f".{name}", __name__).bp)


#: Modules that add pages to a blueprint defined by another module of their package: imported
#: here, before the blueprints are registered, never as a side effect of importing the other.
ROUTE_MODULES = (
    "contests.settings_views",  # the settings pages of an edition (editions blueprint)
    "areas.views_groups",  # groups of communes or units (areas blueprint)
    "judging.views_files",  # a judge's files (judge blueprint)
    "judging.views_judge_conflict",  # a judge declares a conflict (judge blueprint)
    "judging.views_organizer_review",  # review, import, export, paper (judging blueprint)
    "judging.views_organizer_scan",  # the document scan (judging blueprint)
    "judging.views_judge_text",  # the judges' version of an entry's text (judging blueprint)
    "judging.views_discussion",  # the panel's discussion (judging and judge blueprints)
)


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for name in ROUTE_MODULES:
        import_module(f".{name}", __name__)
    from .accounts.views import bp as accounts_bp
    from .areas.views import bp as areas_bp
    from .contests.public_views import bp as public_bp
    from .contests.views import bp as editions_bp
    from .entries.attachment_views import bp as attachments_bp
    from .entries.views_coordinator import bp as district_bp
    from .entries.views_entrant import bp as entries_bp
    from .entries.views_intake import bp as intake_bp
    from .jobs.views import bp as jobs_bp
    from .judging.views_judge import bp as judge_bp
    from .judging.views_organizer import bp as judging_bp
    from .main.views import bp as main_bp
    from .results.views import bp as results_bp
    from .season.views import bp as season_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(areas_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(editions_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(attachments_bp)
    app.register_blueprint(entries_bp)
    app.register_blueprint(intake_bp)
    app.register_blueprint(district_bp)
    app.register_blueprint(judging_bp)
    app.register_blueprint(results_bp)
    app.register_blueprint(judge_bp)
    _register_publication(app)
    app.register_blueprint(season_bp)
    from .season import register as register_season

    register_season(app)
    from .announcements import register as register_announcements

    register_announcements(app)
    from .accounts.two_factor_views import register as register_two_factor

    register_two_factor(app)
    from .api import register as register_api  # /api/v1, personal access tokens

    register_api(app)
    from .ops import register as register_ops  # /healthz, /metrics, backup/restore

    register_ops(app)
    from .national.views import bp as national_intake_bp  # a national edition's intake

    app.register_blueprint(national_intake_bp)
    from .areas.views_provinces import bp as provinces_bp  # the provinces

    app.register_blueprint(provinces_bp)
    _register_gates()


def _register_gates() -> None:
    """Give the stage gates of the lower packages the counts the upper ones know."""
    from .contests.gates import register_entry_counter
    from .entries.judging_gate import register_judging_counter
    from .entries.queries import gate_counts
    from .judging.entry_load import entry_load

    register_entry_counter(gate_counts)
    register_judging_counter(entry_load)
