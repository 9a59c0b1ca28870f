"""Configuration classes, read from the environment.

``CONTEST_CONFIG`` picks the class: ``development`` (the embedded default: SQLite in the
instance folder, Celery tasks run in-process), ``testing`` or ``production``.
"""

from __future__ import annotations

import os


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str | None) -> str | None:
    """Normalise a database URL: ``postgres://`` and ``postgresql://`` use psycopg 3."""
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings shared by every configuration."""

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or None
    # Where attachments and generated files live: "local" (UPLOAD_DIR, the embedded default)
    # or "s3" (a bucket of S3-compatible object storage; UPLOAD_DIR then only spools uploads
    # while they are checked). See contest/storage.py and contest/storage_s3.py.
    STORAGE_BACKEND = (os.environ.get("STORAGE_BACKEND") or "local").strip().lower()
    S3_BUCKET = os.environ.get("S3_BUCKET") or None
    S3_PREFIX = os.environ.get("S3_PREFIX") or ""
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None  # None: AWS itself
    S3_PUBLIC_ENDPOINT_URL = os.environ.get("S3_PUBLIC_ENDPOINT_URL") or None  # for browsers
    S3_REGION = os.environ.get("S3_REGION") or None
    S3_ADDRESSING_STYLE = os.environ.get("S3_ADDRESSING_STYLE") or None  # path / virtual
    # None: boto3's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, a role).
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID") or None
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY") or None
    # Downloads at least this large (MB; negative: never) are redirects to a presigned URL
    # valid S3_PRESIGN_EXPIRES seconds; smaller ones stream through the app.
    S3_PRESIGN_MIN_BYTES = int(os.environ.get("S3_PRESIGN_MIN_MB", "20")) << 20
    S3_PRESIGN_EXPIRES = int(os.environ.get("S3_PRESIGN_EXPIRES", "300"))
    # People live in Vietnam; the database stores UTC.
    TIMEZONE = "Asia/Ho_Chi_Minh"
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_I18N_ENABLED = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_DURATION = 14 * 24 * 3600
    # Largest request body outside attachment uploads (those set their own per-kind caps).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(25 * 1024 * 1024)))
    # Entry attachments: size limit per group of kinds (bytes; the env vars are in MB),
    # photos per entry, and the largest image (pixels) decoded for a thumbnail.
    ATTACHMENT_DOCUMENTS_MAX_BYTES = int(os.environ.get("ATTACHMENT_DOCUMENTS_MAX_MB", "20")) << 20
    ATTACHMENT_IMAGES_MAX_BYTES = int(os.environ.get("ATTACHMENT_IMAGES_MAX_MB", "10")) << 20
    ATTACHMENT_VIDEO_MAX_BYTES = int(os.environ.get("ATTACHMENT_VIDEO_MAX_MB", "500")) << 20
    ATTACHMENT_ARCHIVES_MAX_BYTES = int(os.environ.get("ATTACHMENT_ARCHIVES_MAX_MB", "100")) << 20
    ATTACHMENT_MAX_PHOTOS = int(os.environ.get("ATTACHMENT_MAX_PHOTOS", "20"))
    ATTACHMENT_MAX_IMAGE_PIXELS = int(os.environ.get("ATTACHMENT_MAX_IMAGE_PIXELS", "64000000"))
    # Mail: "smtp" sends through MAIL_SERVER; "file" writes .eml files to the instance folder
    # and logs them; "memory" keeps them in a list (tests).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Ban Tổ chức <no-reply@localhost>")
    # Absolute links in e-mails (reset, invitations) when no request is at hand.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # Accounts.
    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", "3600"))
    INVITATION_MAX_AGE = int(os.environ.get("INVITATION_MAX_AGE", str(7 * 24 * 3600)))
    LOGIN_THROTTLE_FAILURES = int(os.environ.get("LOGIN_THROTTLE_FAILURES", "10"))
    LOGIN_THROTTLE_WINDOW = int(os.environ.get("LOGIN_THROTTLE_WINDOW", str(15 * 60)))
    # Jobs: a job row still pending after this many seconds is enqueued again by the sweeper.
    JOB_REQUEUE_AFTER = int(os.environ.get("JOB_REQUEUE_AFTER", "60"))
    # A running job writes a heartbeat every quarter of this; one silent this long (seconds)
    # has stalled and is re-enqueued by the sweeper, at most JOB_MAX_AUTO_RERUNS times in a row.
    JOB_STALE_AFTER = float(os.environ.get("JOB_STALE_AFTER", "60"))
    JOB_MAX_AUTO_RERUNS = int(os.environ.get("JOB_MAX_AUTO_RERUNS", "3"))
    # Seconds between two sweeps under celery beat (a job whose worker died is run again at
    # most JOB_STALE_AFTER + JOB_SWEEP_EVERY seconds after its last heartbeat: 70 s < 90 s).
    JOB_SWEEP_EVERY = float(os.environ.get("JOB_SWEEP_EVERY", "10"))
    # A job hit by a transient database error runs again this many times, after this many
    # seconds (doubled each time), before it fails.
    JOB_DB_RETRIES = int(os.environ.get("JOB_DB_RETRIES", "4"))
    JOB_DB_RETRY_DELAY = float(os.environ.get("JOB_DB_RETRY_DELAY", "1"))
    CELERY_TASK_ALWAYS_EAGER = None  # decided from REDIS_URL unless set
    # The one Celery queue the app sends to and the worker reads (keeps deployments apart).
    CELERY_QUEUE = os.environ.get("CELERY_QUEUE") or "contest"
    PER_PAGE = 25
    # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host headers
    # are trusted (0: none). Behind nginx set 1, or every visitor shares the proxy's address
    # and the per-address login throttle would lock everyone out.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))


class DevelopmentConfig(Config):
    """The embedded default: SQLite in the instance folder, tasks in-process."""

    ENV_NAME = "development"


class TestingConfig(Config):
    """Used by the test suite; the tests pass their own overrides."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 - tests only
    MAIL_BACKEND = "memory"
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    )
    # Cheap password hashing: the suite logs in thousands of times.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1


class ProductionConfig(Config):
    """Production: PostgreSQL, Redis and a secret key are required."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "REDIS_URL")


def get_config(name: str | None = None) -> type[Config]:
    """Return the configuration class named by ``name`` or ``CONTEST_CONFIG``."""
    name = (name or os.environ.get("CONTEST_CONFIG") or "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"CONTEST_CONFIG={name!r} is unknown; use one of {', '.join(CONFIGS)}"
        ) from None
