"""Announcements: organizers write to an audience of an edition; automatic notices when a
deadline is extended or an entry reclassified; one reminder per unsubmitted draft. Every
e-mail is sent by a job, at most once per recipient."""


def register(app) -> None:
    """Wire the feature into ``app``: its blueprint, its job handlers and beat task, and the
    audit listeners that queue the automatic notices (the deadline and intake operations
    only record their audit entries; they never import this package)."""
    from ..audit.operations import on_record
    from . import tasks
    from .mails import NOTICE_ACTIONS
    from .views import bp

    app.register_blueprint(bp)
    for action in NOTICE_ACTIONS:
        on_record(action, tasks.queue_notice)
