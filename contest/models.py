"""Import every feature's models, so that the metadata (and Alembic) sees all tables."""

from .accounts.models import AuthToken, LoginAttempt, LoginSession, User, UserRole  # noqa: F401
from .accounts.two_factor_models import (  # noqa: F401
    RecoveryCode,
    RememberedDevice,
    TwoFactorCredential,
    TwoFactorRequirement,
)
from .announcements.models import Announcement, AnnouncementRecipient  # noqa: F401
from .api.models import ApiToken, Webhook, WebhookDelivery  # noqa: F401
from .areas.models import Area, AreaGroup, AreaGroupArea, AreaGroupUnit, Unit  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .certificates.models import Certificate, CertificateBatch  # noqa: F401
from .contests.models import (  # noqa: F401
    Board,
    Criterion,
    DeadlineExtension,
    Edition,
    EditionField,
    PrizeLevel,
    Round,
)
from .contests.national_flag import NationalEdition  # noqa: F401
from .entries.models import Attachment, Author, Entry, EntryCodeCounter  # noqa: F401
from .jobs.models import Job  # noqa: F401
from .judging.models import (  # noqa: F401
    Assignment,
    Conflict,
    Panel,
    PanelMember,
    PanelScore,
    Score,
    ScoreSheet,
)
from .judging.models_discussion import Comment, DigestMark  # noqa: F401
from .judging.models_scan import DocumentFinding, ScannedFile  # noqa: F401
from .national.models import NationalArrival, NationalChoice, NationalResult  # noqa: F401
from .publication.models import (  # noqa: F401
    Complaint,
    Publication,
    PublishedEntry,
    SentNotification,
)
from .results.models import ResultRow, ResultsRun  # noqa: F401
from .results.models_decisions import PrizeDecision  # noqa: F401
