"""WSGI entry point for gunicorn.

The public representatives' pages (``/evaluation/r/``) go to a handler with
a reduced middleware list, every other page to the full one
(``accounts/public_path.py``, docs/decisions/0008-public-rating-path.md).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianbing.config.settings.prod")
_full = get_wsgi_application()

from lianbing.accounts.public_path import PublicPathDispatch, PublicPathHandler  # noqa: E402

application = PublicPathDispatch(_full, PublicPathHandler())
