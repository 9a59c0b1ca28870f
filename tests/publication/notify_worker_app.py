"""Celery entry point of the notification worker test: the real ``worker`` module (the
deployment's ``celery -A worker worker``), with its app's instance folder — where the ``file``
mail backend writes its ``.eml`` files — moved to ``$CONTEST_TEST_INSTANCE_PATH``, so that the
test reads exactly the messages this worker sent."""

from __future__ import annotations

import os

from worker import celery, flask_app

flask_app.instance_path = os.environ["CONTEST_TEST_INSTANCE_PATH"]

__all__ = ["celery", "flask_app"]
