"""A light request path for the public representatives' pages (``/evaluation/r/``).

Those pages serve visitors without an account: a rating campaign sends
hundreds of phones through them at once, four requests each, and the staff
pages' middleware (the session in the database, sign-in, two-step sign-in,
sign-in lockout, idle timeout, account gates, messages, htmx) does nothing
for them but cost time. The WSGI application (``config/wsgi.py``) therefore
sends paths under ``LIANBING_PUBLIC_PATH_PREFIX`` to a second Django handler
built from ``LIANBING_PUBLIC_MIDDLEWARE``, and everything else to the usual
one. What the public path keeps, and why, is in
``docs/decisions/0008-public-rating-path.md``: the security headers, CSRF,
the request size cap, the audit context, and the declared-policy checks, run
with an anonymous visitor (:class:`PublicVisitorMiddleware`) so that nothing
reached this way can act as a signed-in account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse

Handler = Callable[[HttpRequest], HttpResponse]


class PublicVisitorMiddleware:
    """Every request on the public path is an anonymous visitor's, whatever cookies it carries.

    Takes the place of the authentication middleware: a staff account signed
    in on the same phone is not looked up (its session cookie does not even
    reach the database), and a staff page reached through this path is
    refused as it would be to anyone without an account.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = AnonymousUser()
        return self.get_response(request)


class PublicMiddlewareMixin(BaseHandler):
    """A Django handler whose middleware is ``LIANBING_PUBLIC_MIDDLEWARE``."""

    def load_middleware(self, is_async: bool = False) -> None:
        # Django's handler reads its list from settings.MIDDLEWARE; it is set
        # to the public list only while this handler is built (once, at start).
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.LIANBING_PUBLIC_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


class PublicPathHandler(PublicMiddlewareMixin, WSGIHandler):
    """The WSGI handler of the public pages."""


class PublicPathDispatch:
    """Sends a request to ``public`` if its path is under the public prefix, else to ``full``.

    Called like the handlers it wraps: ``(environ, start_response)`` as a WSGI
    application, ``(environ,)`` as a test client's handler.
    """

    def __init__(self, full: Any, public: Any, prefix: str | None = None) -> None:
        self.full = full
        self.public = public
        self.prefix = prefix if prefix is not None else settings.LIANBING_PUBLIC_PATH_PREFIX

    def __call__(self, environ: dict[str, Any], *args: Any) -> Any:
        path = environ.get("PATH_INFO", "") or "/"
        handler = self.public if path.startswith(self.prefix) else self.full
        return handler(environ, *args)
