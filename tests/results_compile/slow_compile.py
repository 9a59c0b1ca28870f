"""A test-only wrapper around the ``results.compile`` job handler: a pause after each progress
report, so a crash test can kill a real worker in the middle of a compile.

Nothing installs it but a test: :func:`install` registers the wrapper as the handler of the
compile kind (``jobs.operations.register_handler``), in the worker process started from
``slow_worker_app`` (or in-process, for a test that wants it). The pause is
``RESULTS_COMPILE_TEST_DELAY`` seconds (environment); 0 or unset: the handler runs unchanged.
Every progress report of the compile — after reading and ranking, after each written chunk,
i.e. while the run's rows are flushed but not committed — is followed by that pause.
"""

from __future__ import annotations

import os
import time
from typing import Any

from contest.jobs.models import Job
from contest.jobs.operations import Progress, register_handler
from contest.results.tasks import KIND, compile_results

ENV = "RESULTS_COMPILE_TEST_DELAY"


def test_delay() -> float:
    """The configured pause in seconds (0 when unset)."""
    return max(0.0, float(os.environ.get(ENV) or 0))


test_delay.__test__ = False  # type: ignore[attr-defined] - not a test, despite its name


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


def install() -> None:
    """Make the compile kind run :func:`compile_with_test_delay` in this process."""
    for mark in ("job_kind", "job_label", "job_db_retries"):  # the handler's kind and policy
        setattr(compile_with_test_delay, mark, getattr(compile_results, mark))
    register_handler(compile_with_test_delay, KIND)
