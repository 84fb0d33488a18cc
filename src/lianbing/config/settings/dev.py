"""Local use and the demo: local hosts only, debug pages only with LIANBING_DEBUG=1, SQLite under ./var unless DATABASE_URL is set.

``lianbing demo`` clears ``DATABASE_URL`` for itself, so the demo always runs
on the embedded database and can never fill a production or test server.
"""

from __future__ import annotations

import os
import secrets

from .base import *  # noqa: F403
from .base import LIANBING_FIELD_KEY as _BASE_FIELD_KEY
from .base import SECRET_KEY as _BASE_SECRET_KEY
from .base import VAR_DIR


def _demo_secret_key(name: str = "secret_key.txt") -> str:
    """A per-installation key kept in var/, so sessions (and encrypted fields) survive a restart."""
    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


# Off unless asked for (LIANBING_DEBUG=1): Django's debug pages list every URL
# pattern and show settings and tracebacks to whoever opens a wrong address, and
# the demo is shown to people, so it answers with the site's own Chinese pages.
DEBUG = os.environ.get("LIANBING_DEBUG", "") == "1"
# With debug off, whitenoise still serves the static files straight from the
# apps (no collectstatic for the demo) and picks up edits.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECRET_KEY = _BASE_SECRET_KEY or _demo_secret_key()
LIANBING_FIELD_KEY = _BASE_FIELD_KEY or _demo_secret_key("field_key.txt")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The demo has no mail relay: mails (the daily reminders of the training
# period, password-reset notices) are printed to the console instead.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
