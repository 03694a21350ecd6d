"""Configuration classes. Every secret and key comes from the environment.

Select a class with ``HULPREGIE_ENV`` (development, test, production; default
development). See the README's configuration table for every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask_appbuilder.security.manager import AUTH_DB

from security.passwords import fab_password_validator

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'hulpregie.db'}"
    if url.startswith("postgres://"):  # the form many hosts hand out
        url = "postgresql+psycopg2://" + url[len("postgres://"):]
    return url


def env_settings() -> dict:
    """Settings read from the environment when the app is created (not at import)."""
    env = os.environ.get
    return {
        "SECRET_KEY": env("SECRET_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": _database_url(),
        "FIELD_KEYS": env("HULPREGIE_FIELD_KEYS", ""),
        "INDEX_KEY": env("HULPREGIE_INDEX_KEY", ""),
        "SMTP_HOST": env("SMTP_HOST", "localhost"),
        "SMTP_PORT": env("SMTP_PORT", "25"),
        "MAIL_FROM": env("MAIL_FROM", "hulpregie@localhost"),
        # Where staff and the public reach this installation: links in mails start with it.
        "HULPREGIE_BASE_URL": env("HULPREGIE_BASE_URL", "http://localhost:8080"),
        "PC4_DATA": env("PC4_DATA", str(BASE_DIR.parent / "shared" / "data" / "nl-pc4.csv")),
        # Control room export (workflows/controlroom.py): PEM files, and where the
        # protected export files are kept for download (ciphertext only).
        "HULPREGIE_MELDKAMER_PUBLIC_KEY": env("HULPREGIE_MELDKAMER_PUBLIC_KEY", ""),
        "HULPREGIE_MELDKAMER_SIGNING_KEY": env("HULPREGIE_MELDKAMER_SIGNING_KEY", ""),
        "HULPREGIE_MELDKAMER_DIR": env("HULPREGIE_MELDKAMER_DIR", str(INSTANCE_DIR / "meldkamer")),
        # The access log's checkpoints (security/audit/checkpoints.py): the Ed25519 signing
        # key (PEM, kept apart from the database) and the file outside the database that
        # every checkpoint is appended to ("{db}" in it: a digest of the database URL).
        "HULPREGIE_AUDIT_SIGNING_KEY": env("HULPREGIE_AUDIT_SIGNING_KEY", ""),
        "HULPREGIE_AUDIT_CHECKPOINT_FILE": env("HULPREGIE_AUDIT_CHECKPOINT_FILE", "")
        or str(INSTANCE_DIR / "audit-checkpoints.jsonl"),
        # Sign-in security (security/session.py checks and converts these): only when set.
        **{name: env(name) for name in SECURITY_ENV if env(name, "").strip()},
        **{name: env(name) for name in POLICY if env(name, "").strip()},
    }


# The organisation's policy: whole numbers, each overridable from the environment.
POLICY = {
    "HULPREGIE_EVALUATION_MONTHS": 12,  # next card evaluation, months after issue
    "HULPREGIE_EVALUATION_INVITE_WEEKS": 4,  # invitation this many weeks before it is due
    "HULPREGIE_VOG_MAX_AGE_DAYS": 90,  # a VOG older than this at submission is refused
    "HULPREGIE_VOG_RENEWAL_MONTHS": 36,  # a VOG is renewed this many months after issue
    "HULPREGIE_VOG_REMINDER_DAYS": 60,  # renewal reminder this many days ahead
    "HULPREGIE_FEEDBACK_AFTER_DAYS": 30,  # feedback mail this many days after a match
    "HULPREGIE_LINK_DAYS": 14,  # signed links (accepting a request, feedback) stay valid
    # Project leader dashboard and stagnation signals (app/reports/signals.py):
    "HULPREGIE_REQUEST_WAIT_DAYS": 14,  # a card request waits too long after this many days
    "HULPREGIE_STAGNATION_WEEKS": 8,  # signal: no new card requests in this many weeks
    "HULPREGIE_OVERDUE_EVALUATIONS_MAX": 3,  # signal: more overdue evaluations than this
    # Retention (workflows/privacy/retention.py): erased this many months after …
    "HULPREGIE_RETENTION_HOLDER_MONTHS": 24,  # … the holder's last card ended or was withdrawn
    "HULPREGIE_RETENTION_VOLUNTEER_MONTHS": 12,  # … a volunteer became inactive (or rejected)
    "HULPREGIE_RETENTION_REQUEST_MONTHS": 18,  # … a help request was closed, rejected, referred
    "HULPREGIE_CARER_REVIEW_MONTHS": 6,  # a carer's agreements are reviewed after this many months
    "HULPREGIE_SUPPORT_PLAN_REMINDER_DAYS": 7,  # reminder this many days before a plan conversation
    # Several instances (infra/scheduler.py, outbox.py; README "Deployment"):
    "HULPREGIE_SCHEDULER_RETRY_SECONDS": 15,  # a waiting scheduler tries to become leader
    "HULPREGIE_OUTBOX_INTERVAL_SECONDS": 60,  # the leader sends the outbox this often
    "HULPREGIE_OUTBOX_LEASE_SECONDS": 600,  # a dead sender's claimed mail is taken over after
    "HULPREGIE_AUDIT_SEAL_SECONDS": 60,  # the leader seals the access log and signs a checkpoint
    # The holder's portal (app/portal): a personal link works once and this many hours; a
    # coach's code this many hours; the portal session ends after this many idle minutes.
    "HULPREGIE_PORTAL_LINK_HOURS": 72,
    "HULPREGIE_PORTAL_CODE_HOURS": 24,
    "HULPREGIE_PORTAL_SESSION_MINUTES": 30,
    # Coaches (workflows/coaches/intervision.py, reviews.py, outreach.py)
    "HULPREGIE_INTERVISION_WEEKS": 6,  # next intervision proposed this many weeks after the last
    "HULPREGIE_INTERVISION_REMINDER_DAYS": 3,  # invited coaches reminded this many days ahead
    "HULPREGIE_REVIEW_MONTHS": 12,  # performance review this many months after the last one
    "HULPREGIE_REVIEW_REMINDER_DAYS": 14,  # project leaders reminded this many days ahead
    "HULPREGIE_OUTREACH_DUE_DAYS": 14,  # communication table: due this many days ahead
}

SECURITY_ENV = ("HULPREGIE_IDLE_MINUTES", "HULPREGIE_2FA_REQUIRED_ROLES",
                "HULPREGIE_LOCKOUT_ATTEMPTS", "HULPREGIE_LOCKOUT_MINUTES", "HULPREGIE_PROXY_COUNT",
                "RATELIMIT_STORAGE_URI")


class Config:
    APP_NAME = "Hulpregie"
    locals().update(POLICY)
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Flask-AppBuilder
    AUTH_TYPE = AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    # Sign-in security: security/manager.py, session.py, twofactor.py, passwords.py.
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    FAB_PASSWORD_COMPLEXITY_VALIDATOR = staticmethod(fab_password_validator)
    AUTH_RATE_LIMITED = True
    AUTH_RATE_LIMIT = "20 per minute"  # login POSTs per client address
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"  # per process: several instances need e.g. redis://
    HULPREGIE_LOCKOUT_ATTEMPTS = 5
    HULPREGIE_LOCKOUT_MINUTES = 15
    HULPREGIE_IDLE_MINUTES = 30
    HULPREGIE_2FA_REQUIRED_ROLES: tuple = ("Admin", "PrivacyOfficer")
    HULPREGIE_PROXY_COUNT = 0  # reverse proxies in front (for the client address)
    FAB_SECURITY_MANAGER_CLASS = "security.manager.HulpregieSecurityManager"
    # The schema comes only from Alembic, permissions only from `flask --app run roles sync`:
    # start-up never writes to the database.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_ADD_SECURITY_API = False  # user admin via the UI and CLI; JWT login stays
    FAB_API_SWAGGER_UI = True
    FAB_API_MAX_PAGE_SIZE = 100
    FAB_INDEX_VIEW = "app.reports.views.HomeView"
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = {
        "nl": {"flag": "nl", "name": "Nederlands"},
        "en": {"flag": "gb", "name": "English"},
    }
    APP_THEME = ""
    WTF_CSRF_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    JWT_ACCESS_TOKEN_EXPIRES = 3600

    # Uploaded evidence (consent scans): outside the web root, under instance/.
    UPLOAD_FOLDER = str(INSTANCE_DIR / "uploads")
    # Outside production the app starts without HULPREGIE_AUDIT_SIGNING_KEY (nothing is
    # sealed then); a key that is set but malformed stops every start.
    HULPREGIE_AUDIT_KEY_REQUIRED = False
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024


class DevelopmentConfig(Config):
    DEBUG = False


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    HULPREGIE_2FA_REQUIRED_ROLES: tuple = ()  # tests/security/test_auth.py switches it on
    AUTH_RATE_LIMIT = "1000 per minute"  # the suite logs in often from one address


class ProductionConfig(Config):
    HULPREGIE_AUDIT_KEY_REQUIRED = True  # no start without the access log's signing key
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_class(name: str | None = None) -> type[Config]:
    return CONFIGS[(name or os.environ.get("HULPREGIE_ENV") or "development").lower()]
