"""Settings shared by every environment.

The database comes from ``DATABASE_URL``; without it Lianbing uses an embedded
SQLite file under the var directory (``LIANBING_VAR_DIR``, default ``./var``),
in WAL mode with a busy timeout so the web server and the worker can share it.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("LIANBING_VAR_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("LIANBING_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    # First, so that its management commands (changepassword, flush) replace Django's.
    "lianbing.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "lianbing.people",
    "lianbing.demand",
    "lianbing.matching",
    "lianbing.training",
    "lianbing.activities",
    "lianbing.evaluation",
    "lianbing.survey",
    "lianbing.imports",
    "lianbing.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lianbing.accounts.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "lianbing.accounts.csrf.FetchMetadataCsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Before anything reads the body (CSRF, the views); after authentication so
    # the 413 page has the site's layout.
    "lianbing.accounts.request_limits.RequestSizeLimitMiddleware",
    "lianbing.accounts.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lianbing.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "lianbing.accounts.middleware.RolePolicyMiddleware",
    "lianbing.accounts.middleware.AccountGateMiddleware",
    # Last, as django-axes requires: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

# The public representatives' pages (one-time rating links, no account) are
# served by a second handler with only the middleware they need: no database
# session, no sign-in machinery (accounts/public_path.py; the reasons, and
# what is kept, in docs/decisions/0008-public-rating-path.md).
LIANBING_PUBLIC_PATH_PREFIX = "/evaluation/r/"
LIANBING_PUBLIC_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lianbing.accounts.middleware.SecurityHeadersMiddleware",
    "lianbing.accounts.public_path.PublicVisitorMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "lianbing.accounts.csrf.FetchMetadataCsrfViewMiddleware",
    "lianbing.accounts.request_limits.RequestSizeLimitMiddleware",
    "lianbing.accounts.middleware.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "lianbing.accounts.middleware.RolePolicyMiddleware",
]

ROOT_URLCONF = "lianbing.config.urls"
WSGI_APPLICATION = "lianbing.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lianbing.web.context_processors.navigation",
            ],
        },
    }
]


def database_from_env(default_sqlite: Path) -> dict[str, Any]:
    """The default database: ``DATABASE_URL`` if set, else embedded SQLite in WAL mode."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(default_sqlite),
        "OPTIONS": {
            # WAL lets readers proceed while the worker writes; IMMEDIATE avoids
            # the "database is locked" upgrade deadlock between two writers.
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": database_from_env(VAR_DIR / "lianbing.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {
        "NAME": "lianbing.accounts.password_validation.CharacterClassesValidator",
        "OPTIONS": {"min_classes": 3},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id first: new and re-hashed passwords use it; the others only verify old hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lianbing.accounts.backends.ProfileModelBackend",
]

# Account lock (django-axes): 5 failures for one account from one address lock
# that account at that address for 30 minutes; other accounts are unaffected
# until the address's own cap (below) is reached.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "lianbing.accounts.addresses.axes_client_ip"
AXES_VERBOSE = False
# Beside the per-account lock: 20 failures from one address across all accounts
# within the cool-off lock the address itself (accounts/lockout.py).
AXES_HANDLER = "lianbing.accounts.lockout.AddressCapHandler"
LIANBING_ADDRESS_FAILURE_LIMIT = 20
#: Reverse proxies whose X-Forwarded-For is believed (addresses, comma-separated in env).
LIANBING_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("LIANBING_TRUSTED_PROXIES", "").split(",") if p.strip()
]

# Idle sessions end after 30 minutes (accounts.middleware.IdleTimeoutMiddleware
# moves the mark, and so the cookie's expiry, forward at most once a minute).
SESSION_COOKIE_AGE = 30 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Two-step sign-in (TOTP) for administrators: optional here (demo, tests), compulsory in prod.py.
LIANBING_OTP_REQUIRED_FOR_ADMINS = False
OTP_TOTP_ISSUER = "练兵台"

#: Key of the encrypted personal fields (ID number, phone); see people/crypto.py.
LIANBING_FIELD_KEY = os.environ.get("LIANBING_FIELD_KEY", "")

#: Models whose creates, updates and deletes go to the audit trail. Apps may
#: also call lianbing.accounts.audit.register(Model) in AppConfig.ready().
LIANBING_AUDITED_MODELS = [
    "people.Unit",
    "people.Cadre",
    "people.WorkHistoryEntry",
    "people.AbilityAssessment",
    "people.Mentor",
    "demand.Program",
    "demand.Post",
    "demand.PostCoreAbility",
    "survey.SurveyRound",
    "survey.Demand",
    "survey.DemandAbility",
    "matching.MatchRun",
    "matching.Decision",
    "matching.Reoptimisation",
    "training.Secondment",
    "training.TrainingPlan",
    "training.PlanGoal",
    "training.Milestone",
    "training.WorkLog",
    "training.LogAttachment",
    "training.MonthlyAssessment",
    "evaluation.EvaluationRound",
    "evaluation.FormItem",
    "evaluation.InspectionTeam",
    "evaluation.TeamMember",
    "evaluation.Conflict",
    "evaluation.Rating",
    "evaluation.GrowthComputation",
    "accounts.Profile",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Static files are public: FILE_UPLOAD_PERMISSIONS (0600) is for data, not for them.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage",
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded workbooks hold cadres' personal data: owner-only whatever the umask
# (accounts/files.py does the same for the database, backups and the folders).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Request size. A whole request body (files included) over the cap is refused
# with 413 before it is read (accounts/request_limits.py). The largest request
# a user may rightly send is a work log with five attachments of 10 MB each
# (training/services/progress.py); the workbook itself is limited to 20 MB
# (xlsx/upload_safety.py MAX_UPLOAD_BYTES). The cap is the log's 50 MB plus
# room for the multipart envelope and the log's text. Form fields other than files: at
# most 2.5 MB in all (Django answers 400 beyond). Uploaded files above 2.5 MB
# are spooled to an owner-only temporary file instead of memory.
LIANBING_MAX_REQUEST_BYTES = int(
    os.environ.get("LIANBING_MAX_REQUEST_BYTES", str(55 * 1024 * 1024))
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "lianbing.accounts.request_limits.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Files under MEDIA_ROOT that hold cadres' personal data are deleted once their
# purpose is served, as the Personal Information Protection Law (个人信息保护法,
# art. 19) asks: an exported run workbook is downloaded soon after it is made
# (the run itself stays, so it can be exported again), and an uploaded import
# workbook is only needed while the import runs and while its outcome is being
# checked (the job's counts and problem list stay). `lianbing manage
# prune_files` applies both periods; each export and import also applies its own.
LIANBING_EXPORT_RETENTION_DAYS = 7
LIANBING_UPLOAD_RETENTION_DAYS = 30

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# A match run, re-optimisation or import still "running" this many minutes after
# the worker took it up is taken to have lost its worker (killed, machine
# restarted): its page says so, and cancelling it ends it at once as failed
# instead of waiting for a worker that will never look (lianbing/background/stale.py).
# The longest legitimate job, a 10,000-row import or match run, takes about a
# minute on 2 cores (docs/performance.md), so a live job never comes near it.
LIANBING_STALE_WORK_MINUTES = 30

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# "no-referrer" makes browsers send "Origin: null" on form posts; the CSRF
# middleware (accounts/csrf.py) accepts it when Sec-Fetch-Site is same-origin.
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Django's W003 looks for its own CSRF middleware by name; ours is a subclass of
# it, and accounts.checks verifies that one is installed instead.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_error": {"()": "lianbing.config.log_filters.ClientErrorWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # One line per refused or missing page: not propagated to Django's own
        # "django" console handler as well (which printed each one twice).
        "django.request": {
            "handlers": ["console"],
            "level": "WARNING",
            "filters": ["client_error"],
            "propagate": False,
        },
    },
}
