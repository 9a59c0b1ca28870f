"""Test data factories: one plain function per model of ``contest`` (:data:`FACTORIES`).

Every factory works without arguments: Vietnamese defaults, related rows made when not
given (an entry gets a technical edition, a score sheet an accepted entry and a judge …).
Keyword arguments override the defaults; most factories take any other column as a keyword
too (a misspelt one is an error). Like the tests' own builders they commit; ``commit=False``
only flushes (ids known, the caller commits).

Where the model has rules of its own the factory goes through the domain operation: an
edition from its kind's template (``contests.templates.template_spec`` +
``contests.operations.create_edition``), a draft through ``entries.operations.create_draft``
(:func:`make_draft`), a panel through ``judging.panels``, a group through ``areas.groups``, a
deadline extension through ``extend_deadline``, the national flag through
``national.intake.mark``, an API token through ``api.tokens.create_token``. Rows that only a
long pipeline makes (runs, publications, certificates) are written directly.

    from tests import factories

    edition = factories.make_edition("youth", opens_at=OPENS)
    entry = factories.make_entry(edition, "TTN-HT-001", "HT", authors=("Lê An", "Hà Bình"))
    factories.make_score_sheet(entry, judge, points={"novelty": 30, "effect": 25})
"""

from __future__ import annotations

from contest import models as m

from .accounts import (
    PASSWORD,
    _hash,
    make_auth_token,
    make_login_attempt,
    make_login_session,
    make_recovery_code,
    make_remembered_device,
    make_two_factor_credential,
    make_two_factor_requirement,
    make_user,
    make_user_role,
    one_user_per_role,
)
from .areas import (
    make_area,
    make_area_group,
    make_area_group_area,
    make_area_group_unit,
    make_unit,
)
from .base import DEADLINE, local, seq
from .contests import (
    make_board,
    make_criterion,
    make_deadline_extension,
    make_edition,
    make_edition_field,
    make_national_edition,
    make_prize_level,
    make_round,
)
from .entries import (
    AUTHOR,
    CHILD,
    attach_required,
    default_author,
    make_attachment,
    make_author,
    make_draft,
    make_entry,
    make_entry_code_counter,
    open_now_edition,
)
from .judging import (
    make_assignment,
    make_comment,
    make_conflict,
    make_digest_mark,
    make_document_finding,
    make_judge,
    make_panel,
    make_panel_member,
    make_panel_score,
    make_scanned_file,
    make_score,
    make_score_sheet,
)
from .misc import (
    make_announcement,
    make_announcement_recipient,
    make_api_token,
    make_audit_entry,
    make_job,
    make_webhook,
    make_webhook_delivery,
)
from .publication import (
    make_certificate,
    make_certificate_batch,
    make_complaint,
    make_national_arrival,
    make_national_choice,
    make_national_result,
    make_publication,
    make_published_entry,
    make_sent_notification,
)
from .results import make_prize_decision, make_result_row, make_results_run

#: The factory of every mapped model (tests/test_factories.py checks none is missing).
FACTORIES = {
    # accounts
    m.User: make_user,
    m.UserRole: make_user_role,
    m.LoginSession: make_login_session,
    m.LoginAttempt: make_login_attempt,
    m.AuthToken: make_auth_token,
    m.TwoFactorCredential: make_two_factor_credential,
    m.RecoveryCode: make_recovery_code,
    m.RememberedDevice: make_remembered_device,
    m.TwoFactorRequirement: make_two_factor_requirement,
    # areas
    m.Area: make_area,
    m.Unit: make_unit,
    m.AreaGroup: make_area_group,
    m.AreaGroupArea: make_area_group_area,
    m.AreaGroupUnit: make_area_group_unit,
    # editions
    m.Edition: make_edition,
    m.EditionField: make_edition_field,
    m.Board: make_board,
    m.Criterion: make_criterion,
    m.Round: make_round,
    m.PrizeLevel: make_prize_level,
    m.DeadlineExtension: make_deadline_extension,
    m.NationalEdition: make_national_edition,
    # entries
    m.Entry: make_entry,
    m.Author: make_author,
    m.Attachment: make_attachment,
    m.EntryCodeCounter: make_entry_code_counter,
    # judging
    m.Panel: make_panel,
    m.PanelMember: make_panel_member,
    m.Conflict: make_conflict,
    m.Assignment: make_assignment,
    m.ScoreSheet: make_score_sheet,
    m.Score: make_score,
    m.PanelScore: make_panel_score,
    m.Comment: make_comment,
    m.DigestMark: make_digest_mark,
    m.ScannedFile: make_scanned_file,
    m.DocumentFinding: make_document_finding,
    # results
    m.ResultsRun: make_results_run,
    m.ResultRow: make_result_row,
    m.PrizeDecision: make_prize_decision,
    # publication, certificates, national
    m.Publication: make_publication,
    m.PublishedEntry: make_published_entry,
    m.Complaint: make_complaint,
    m.SentNotification: make_sent_notification,
    m.Certificate: make_certificate,
    m.CertificateBatch: make_certificate_batch,
    m.NationalChoice: make_national_choice,
    m.NationalResult: make_national_result,
    m.NationalArrival: make_national_arrival,
    # jobs, audit, announcements, API
    m.Job: make_job,
    m.AuditEntry: make_audit_entry,
    m.Announcement: make_announcement,
    m.AnnouncementRecipient: make_announcement_recipient,
    m.ApiToken: make_api_token,
    m.Webhook: make_webhook,
    m.WebhookDelivery: make_webhook_delivery,
}

__all__ = [
    "AUTHOR",
    "CHILD",
    "DEADLINE",
    "FACTORIES",
    "PASSWORD",
    "_hash",
    "attach_required",
    "default_author",
    "local",
    "make_announcement",
    "make_announcement_recipient",
    "make_api_token",
    "make_area",
    "make_area_group",
    "make_area_group_area",
    "make_area_group_unit",
    "make_assignment",
    "make_attachment",
    "make_audit_entry",
    "make_auth_token",
    "make_author",
    "make_board",
    "make_certificate",
    "make_certificate_batch",
    "make_comment",
    "make_complaint",
    "make_conflict",
    "make_criterion",
    "make_deadline_extension",
    "make_digest_mark",
    "make_document_finding",
    "make_draft",
    "make_edition",
    "make_edition_field",
    "make_entry",
    "make_entry_code_counter",
    "make_job",
    "make_judge",
    "make_login_attempt",
    "make_login_session",
    "make_national_arrival",
    "make_national_choice",
    "make_national_edition",
    "make_national_result",
    "make_panel",
    "make_panel_member",
    "make_panel_score",
    "make_prize_decision",
    "make_prize_level",
    "make_publication",
    "make_published_entry",
    "make_recovery_code",
    "make_remembered_device",
    "make_result_row",
    "make_results_run",
    "make_round",
    "make_scanned_file",
    "make_score",
    "make_score_sheet",
    "make_sent_notification",
    "make_two_factor_credential",
    "make_two_factor_requirement",
    "make_unit",
    "make_user",
    "make_user_role",
    "make_webhook",
    "make_webhook_delivery",
    "one_user_per_role",
    "open_now_edition",
    "seq",
]
