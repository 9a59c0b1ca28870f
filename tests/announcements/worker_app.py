"""Celery entry point of the announcement worker tests: the deployment's ``worker`` module,
its instance folder (where the ``file`` mail backend writes its ``.eml`` files) moved to
``$CONTEST_TEST_INSTANCE_PATH``, and each delivery followed by a pause of
``$ANNOUNCE_TEST_PAUSE`` seconds, so that a test can kill the worker in the middle of a
sending. The delivery itself is the real one."""

from __future__ import annotations

import os
import time

from contest.publication import notifications
from worker import celery, flask_app

flask_app.instance_path = os.environ["CONTEST_TEST_INSTANCE_PATH"]
_PAUSE = float(os.environ.get("ANNOUNCE_TEST_PAUSE", "0"))
_deliver = notifications.deliver


def _deliver_then_pause(msg) -> None:
    _deliver(msg)
    time.sleep(_PAUSE)


notifications.deliver = _deliver_then_pause

__all__ = ["celery", "flask_app"]
