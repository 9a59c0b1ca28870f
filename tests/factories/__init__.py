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

from contest.accounts.models import AuthToken, LoginAttempt, LoginSession, User, UserRole
from contest.accounts.two_factor_models import (
    RecoveryCode,
    RememberedDevice,
    TwoFactorCredential,
    TwoFactorRequirement,
)
from contest.announcements.models import Announcement, AnnouncementRecipient
from contest.api.models import ApiToken, Webhook, WebhookDelivery
from contest.areas.models import Area, AreaGroup, AreaGroupArea, AreaGroupUnit, Unit
from contest.audit.models import AuditEntry
from contest.certificates.models import Certificate, CertificateBatch
from contest.contests.models import (
    Board,
    Criterion,
    DeadlineExtension,
    Edition,
    EditionField,
    PrizeLevel,
    Round,
)
from contest.contests.national_flag import NationalEdition
from contest.entries.models import Attachment, Author, Entry, EntryCodeCounter
from contest.jobs.models import Job
from contest.judging.models import (
    Assignment,
    Conflict,
    Panel,
    PanelMember,
    PanelScore,
    Score,
    ScoreSheet,
)
from contest.judging.models_discussion import Comment, DigestMark
from contest.judging.models_scan import DocumentFinding, ScannedFile
from contest.national.models import NationalArrival, NationalChoice, NationalResult
from contest.publication.models import Complaint, Publication, PublishedEntry, SentNotification
from contest.results.models import ResultRow, ResultsRun
from contest.results.models_decisions import PrizeDecision

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
    User: make_user,
    UserRole: make_user_role,
    LoginSession: make_login_session,
    LoginAttempt: make_login_attempt,
    AuthToken: make_auth_token,
    TwoFactorCredential: make_two_factor_credential,
    RecoveryCode: make_recovery_code,
    RememberedDevice: make_remembered_device,
    TwoFactorRequirement: make_two_factor_requirement,
    # areas
    Area: make_area,
    Unit: make_unit,
    AreaGroup: make_area_group,
    AreaGroupArea: make_area_group_area,
    AreaGroupUnit: make_area_group_unit,
    # editions
    Edition: make_edition,
    EditionField: make_edition_field,
    Board: make_board,
    Criterion: make_criterion,
    Round: make_round,
    PrizeLevel: make_prize_level,
    DeadlineExtension: make_deadline_extension,
    NationalEdition: make_national_edition,
    # entries
    Entry: make_entry,
    Author: make_author,
    Attachment: make_attachment,
    EntryCodeCounter: make_entry_code_counter,
    # judging
    Panel: make_panel,
    PanelMember: make_panel_member,
    Conflict: make_conflict,
    Assignment: make_assignment,
    ScoreSheet: make_score_sheet,
    Score: make_score,
    PanelScore: make_panel_score,
    Comment: make_comment,
    DigestMark: make_digest_mark,
    ScannedFile: make_scanned_file,
    DocumentFinding: make_document_finding,
    # results
    ResultsRun: make_results_run,
    ResultRow: make_result_row,
    PrizeDecision: make_prize_decision,
    # publication, certificates, national
    Publication: make_publication,
    PublishedEntry: make_published_entry,
    Complaint: make_complaint,
    SentNotification: make_sent_notification,
    Certificate: make_certificate,
    CertificateBatch: make_certificate_batch,
    NationalChoice: make_national_choice,
    NationalResult: make_national_result,
    NationalArrival: make_national_arrival,
    # jobs, audit, announcements, API
    Job: make_job,
    AuditEntry: make_audit_entry,
    Announcement: make_announcement,
    AnnouncementRecipient: make_announcement_recipient,
    ApiToken: make_api_token,
    Webhook: make_webhook,
    WebhookDelivery: make_webhook_delivery,
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
