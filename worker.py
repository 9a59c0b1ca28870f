"""Celery entry point: ``celery -A worker worker`` (and ``celery -A worker beat``).

The worker reads the same environment as the web app (``CONTEST_CONFIG``, ``DATABASE_URL``,
``REDIS_URL``, ``CELERY_QUEUE``); every task runs in this Flask app's context. Creating the
app opens no connection, and no pool process ever uses a connection of the main process
(``contest.jobs.forksafe``). In production run it under its own account:
``celery -A worker worker --uid contest -Q contest``.
"""

from contest import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
