"""Settings for the test suite (SQLite by default, PostgreSQL when DATABASE_URL is set)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import database_from_env

# A test run never touches ./var: its files go to a fresh temporary folder.
VAR_DIR = Path(os.environ.get("LIANBING_TEST_VAR_DIR") or tempfile.mkdtemp(prefix="lianbing-test-"))
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {"default": database_from_env(VAR_DIR / "test.sqlite3")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A fixed, test-only key for the encrypted personal fields.
LIANBING_FIELD_KEY = "test-only-field-key"
# Transactional tests empty every table between tests, the audit trail included.
LIANBING_AUDIT_FLUSHABLE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
