"""Import every feature's models, so that the metadata (and Alembic) sees all tables."""

from .accounts.models import AuthToken, LoginAttempt, LoginSession, User, UserRole  # noqa: F401
from .areas.models import Area, Unit  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .jobs.models import Job  # noqa: F401
