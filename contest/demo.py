"""``contest demo``: the embedded default with demo data, served on 127.0.0.1:5000."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from werkzeug.serving import run_simple

DEMO_PASSWORD = "demo-2025!"  # noqa: S105 - printed to the person running the demo


def seed_demo() -> list[tuple[str, str, str]]:
    """Create the demo data if absent (idempotent); return (role, e-mail, password) logins."""
    from .accounts.demo import seed_users
    from .areas.demo import seed_areas
    from .certificates.demo import seed_certificates
    from .contests.demo import seed_editions
    from .entries.demo import seed_entries
    from .jobs.operations import commit
    from .judging.demo import seed_judging
    from .national.demo import seed_national
    from .publication.demo import seed_publications

    seed_areas()
    logins = seed_users(DEMO_PASSWORD)
    seed_editions()
    seed_entries()
    seed_judging()
    published = seed_publications()
    seed_certificates(published)
    seed_national(published)
    commit()  # and run the jobs the seeding added (certificates, e-mails) after the commit
    return logins


def register(app: Flask) -> None:
    """Attach ``contest demo``."""

    @app.cli.command("demo")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=int)
    @click.option("--no-serve", is_flag=True, help="Only migrate and seed, do not serve.")
    def demo_command(host: str, port: int, no_serve: bool) -> None:
        """Migrate, seed a demo province with both contests, and serve the app."""
        upgrade()
        logins = seed_demo()
        click.echo(f"Database: {current_app.config['SQLALCHEMY_DATABASE_URI']}")
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, email, _password in logins:
            click.echo(f"  {role:<12} {email}")
        if no_serve:
            return
        click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
        # app.run() refuses to block inside a CLI command; serve with Werkzeug directly.
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy
        run_simple(host, port, app, threaded=True)
