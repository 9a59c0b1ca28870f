"""What connects the features, in one place: job handlers, deletion guards, after-publish hooks,
the Celery task modules, and the results runs judging reads for round membership.

Importing a feature module registers nothing: its decorators (``jobs.operations.job_handler``,
``contests.apply.register_delete_guard``, ``publication.hooks.after_publish``) only mark
functions. :func:`wire` (called by ``create_app``, so by the web app, the CLI and the Celery
worker alike) registers the marked functions of exactly the modules listed here; a module
left off this list contributes nothing. Registering twice is harmless (tests create many
apps).
"""

from __future__ import annotations

from importlib import import_module
from inspect import isfunction
from types import ModuleType

#: Modules whose ``@job_handler`` functions run background jobs.
JOB_HANDLER_MODULES = (
    "contest.mail",
    "contest.jobs.selfcheck",
    "contest.accounts.reset_job",
    "contest.entries.import_job",
    "contest.judging.doc_scan_tasks",
    "contest.judging.discussion_digest",
    "contest.judging.exports",
    "contest.results.tasks",
    "contest.certificates.tasks",
    "contest.publication.complaints",
    "contest.national.dossier",
    "contest.national.send_job",
    "contest.publication.notify",
    "contest.reports.report",
    "contest.announcements.tasks",
)

#: Modules whose ``@register_delete_guard`` functions refuse deleting an edition's children.
DELETE_GUARD_MODULES = (
    "contest.entries.models",  # a field or board that has entries
    "contest.judging.models",  # a criterion that has scores, a round that has sheets
)

#: Modules whose ``@after_publish`` functions run inside the publish transaction.
AFTER_PUBLISH_MODULES = (
    "contest.certificates.operations",  # revoke certificates whose content changed
    "contest.publication.notify",  # queue the result e-mails
)

#: Modules defining Celery tasks (``shared_task``), run by the worker and beat.
TASK_MODULES = (
    "contest.jobs.tasks",
    "contest.judging.tasks",
    "contest.publication.tasks",
    "contest.publication.notify",
    "contest.announcements.tasks",
    "contest.api.tasks",
)


def _marked(module: ModuleType, test) -> list:
    """The functions defined in ``module`` passing ``test``, in name order."""
    return [
        obj
        for _name, obj in sorted(vars(module).items())
        if isfunction(obj) and obj.__module__ == module.__name__ and test(obj)
    ]


def wire_jobs() -> None:
    """Register every job handler of :data:`JOB_HANDLER_MODULES`."""
    from .jobs.operations import is_handler, register_handler

    for name in JOB_HANDLER_MODULES:
        for handler in _marked(import_module(name), is_handler):
            register_handler(handler)


def wire_delete_guards() -> None:
    """Add every deletion guard of :data:`DELETE_GUARD_MODULES`."""
    from .contests.apply import add_delete_guard, is_delete_guard

    for name in DELETE_GUARD_MODULES:
        for guard in _marked(import_module(name), is_delete_guard):
            add_delete_guard(guard)


def wire_after_publish() -> None:
    """Add every after-publish hook of :data:`AFTER_PUBLISH_MODULES`, in that order."""
    from .publication.hooks import add_after_publish, is_after_publish

    for name in AFTER_PUBLISH_MODULES:
        for hook in _marked(import_module(name), is_after_publish):
            add_after_publish(hook)


def wire_tasks() -> None:
    """Define the Celery tasks of :data:`TASK_MODULES` (``shared_task`` binds them to the
    current Celery app, which ``celery_init_app`` sets)."""
    for name in TASK_MODULES:
        import_module(name)


def wire_round_membership() -> None:
    """Judging's round membership reads the ADVANCED rows of the results runs."""
    from .judging.totals import use_advanced_entries
    from .results.compile import advanced_entries

    use_advanced_entries(advanced_entries)


def wire() -> None:
    """Everything above (``create_app`` calls it once per app)."""
    wire_tasks()
    wire_jobs()
    wire_delete_guards()
    wire_after_publish()
    wire_round_membership()
