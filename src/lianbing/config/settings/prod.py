"""Production: every secret and host from the environment; HTTPS assumed behind a proxy."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("LIANBING_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("请设置环境变量 LIANBING_SECRET_KEY（至少 50 个字符的随机字符串）。")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("LIANBING_ALLOWED_HOSTS", "").split(",") if h]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("请设置环境变量 LIANBING_ALLOWED_HOSTS（以逗号分隔的域名）。")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("LIANBING_SSL_REDIRECT", "1") == "1"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
