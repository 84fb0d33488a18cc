"""Settings for the test suite (SQLite by default, PostgreSQL when DATABASE_URL is set)."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import VAR_DIR, database_from_env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105 - used by the test suite alone
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {"default": database_from_env(VAR_DIR / "test.sqlite3")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
