"""A test-only hook around the ``results.compile`` job handler: a pause after each progress
report, so a crash test can kill a real worker in the middle of a compile.

The job runner looks the handler up by kind at run time (``jobs.operations.HANDLERS``), so
this module re-registers the kind with a thin wrapper. With ``RESULTS_COMPILE_TEST_DELAY``
unset or 0 (always in production, where it is ignored) the wrapper calls the handler
unchanged. Set it (seconds; app config or environment) and every progress report of the
compile — after reading and ranking, after each written chunk, i.e. while the run's rows are
flushed but not committed — is followed by that pause.
"""

from __future__ import annotations

import os
import time
from typing import Any

from flask import current_app

from ..jobs.models import Job
from ..jobs.operations import HANDLERS, Progress
from .tasks import KIND, compile_results

ENV = "RESULTS_COMPILE_TEST_DELAY"


def test_delay() -> float:
    """The configured pause in seconds (0 in production or when unset)."""
    if current_app.config.get("ENV_NAME") == "production":
        return 0.0
    value = current_app.config.get(ENV) or os.environ.get(ENV) or 0
    return max(0.0, float(value))


def compile_with_test_delay(job: Job, progress: Progress) -> dict[str, Any]:
    """Run ``tasks.compile_results``, pausing after each progress report when configured."""
    delay = test_delay()
    if not delay:
        return compile_results(job, progress)

    def slow(*args: Any, **kwargs: Any) -> None:
        """Report, then pause."""
        progress(*args, **kwargs)
        time.sleep(delay)

    return compile_results(job, slow)  # type: ignore[arg-type]


HANDLERS[KIND] = compile_with_test_delay
