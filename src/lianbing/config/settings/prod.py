"""Production: every secret and host from the environment; HTTPS assumed behind a proxy.

Required: ``LIANBING_SECRET_KEY`` (>= 50 random characters),
``LIANBING_ALLOWED_HOSTS`` (comma-separated), ``DATABASE_URL`` and
``LIANBING_FIELD_KEY`` (key of the encrypted personal fields; keep it apart
from the database backups). Optional: ``LIANBING_TRUSTED_PROXIES`` (addresses
of the reverse proxies whose X-Forwarded-For is believed),
``LIANBING_SSL_REDIRECT=0`` when the proxy already redirects to HTTPS,
``LIANBING_EXPORT_RETENTION_DAYS`` and ``LIANBING_UPLOAD_RETENTION_DAYS`` (days
exported and uploaded workbooks are kept), ``LIANBING_STALE_WORK_MINUTES``
(minutes after which a running background job is taken to have lost its
worker), ``LIANBING_OTP_REQUIRED_FOR_ADMINS=0`` to make two-step sign-in
optional for administrators (compulsory by default), ``LIANBING_EMAIL_HOST``,
``LIANBING_EMAIL_PORT`` and ``LIANBING_EMAIL_FROM`` (the mail relay for
password-reset notices); defaults in ``base``.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LIANBING_EXPORT_RETENTION_DAYS as _BASE_EXPORT_RETENTION_DAYS
from .base import LIANBING_STALE_WORK_MINUTES as _BASE_STALE_WORK_MINUTES
from .base import LIANBING_UPLOAD_RETENTION_DAYS as _BASE_UPLOAD_RETENTION_DAYS
from .base import LOGGING as _BASE_LOGGING


def _positive_int_from_env(name: str, default: int, unit: str = "天数") -> int:
    """A whole number of ``unit`` (at least 1) from the environment, else ``default``."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ImproperlyConfigured(f"环境变量 {name} 应为正整数（{unit}），现为“{value}”。")
    return int(value)


DEBUG = False
SECRET_KEY = os.environ.get("LIANBING_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("请设置环境变量 LIANBING_SECRET_KEY（至少 50 个字符的随机字符串）。")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("LIANBING_ALLOWED_HOSTS", "").split(",") if h]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("请设置环境变量 LIANBING_ALLOWED_HOSTS（以逗号分隔的域名）。")
if not os.environ.get("DATABASE_URL", "").strip():
    raise ImproperlyConfigured(
        "请设置环境变量 DATABASE_URL，如 postgres://用户:密码@主机:5432/数据库名。"
    )
LIANBING_FIELD_KEY = os.environ.get("LIANBING_FIELD_KEY", "")
if len(LIANBING_FIELD_KEY) < 32:
    raise ImproperlyConfigured(
        "请设置环境变量 LIANBING_FIELD_KEY（敏感字段加密密钥，至少 32 个字符），并与数据库备份分开保管。"
    )

LIANBING_EXPORT_RETENTION_DAYS = _positive_int_from_env(
    "LIANBING_EXPORT_RETENTION_DAYS", _BASE_EXPORT_RETENTION_DAYS
)
LIANBING_UPLOAD_RETENTION_DAYS = _positive_int_from_env(
    "LIANBING_UPLOAD_RETENTION_DAYS", _BASE_UPLOAD_RETENTION_DAYS
)
LIANBING_STALE_WORK_MINUTES = _positive_int_from_env(
    "LIANBING_STALE_WORK_MINUTES", _BASE_STALE_WORK_MINUTES, "分钟数"
)

# Mail (the notice to an account whose password an administrator set): an
# intranet relay; a failure to send is logged and noted in the audit row.
EMAIL_HOST = os.environ.get("LIANBING_EMAIL_HOST", "localhost").strip() or "localhost"
EMAIL_PORT = _positive_int_from_env("LIANBING_EMAIL_PORT", 25, "端口号")
DEFAULT_FROM_EMAIL = os.environ.get("LIANBING_EMAIL_FROM", "lianbing@localhost")
EMAIL_TIMEOUT = 10

# Two-step sign-in is compulsory for the three administrators in production;
# LIANBING_OTP_REQUIRED_FOR_ADMINS=0 switches it off (not advised).
LIANBING_OTP_REQUIRED_FOR_ADMINS = (
    os.environ.get("LIANBING_OTP_REQUIRED_FOR_ADMINS", "1").strip() != "0"
)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("LIANBING_SSL_REDIRECT", "1") == "1"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": _BASE_LOGGING["filters"],
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        **_BASE_LOGGING["loggers"],
        # Refused sign-ins and lockouts go to the log as well as the audit trail.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
