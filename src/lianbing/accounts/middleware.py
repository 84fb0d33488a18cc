"""Request-wide security: audit context, role policy, login gates, security headers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import audit
from .models import AuditAction, AuditResult, Profile
from .policy import policy_of
from .roles import ADMIN_ROLES, roles_of

logger = logging.getLogger(__name__)

#: Session key set at sign-in when the account has a confirmed TOTP device.
OTP_PENDING = "lianbing_otp_pending"

Handler = Callable[[HttpRequest], HttpResponse]


class AuditContextMiddleware:
    """Makes the request available to the audit trail; records every file download."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit.request_context(request):
            response = self.get_response(request)
            disposition = response.get("Content-Disposition", "")
            if response.status_code == 200 and disposition.lower().startswith("attachment"):
                match = getattr(request, "resolver_match", None)
                audit.record(
                    action=AuditAction.EXPORT,
                    object_type=match.view_name if match else "",
                    object_repr=_filename(disposition),
                    request=request,
                )
        return response


def _filename(disposition: str) -> str:
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() in ("filename*", "filename"):
            value = value.strip('"')
            if value.lower().startswith("utf-8''"):
                from urllib.parse import unquote

                return unquote(value[7:])
            return value
    return ""


class RolePolicyMiddleware:
    """Refuses a view whose policy does not admit the user, or that declares no policy."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = getattr(request, "resolver_match", None)
        policy = policy_of(view, match)
        if policy is None:
            logger.error(
                "No access policy declared for view %s", match.view_name if match else view
            )
        if policy is not None and policy.permits(request.user):
            return None
        audit.record(
            action=AuditAction.ACCESS,
            result=AuditResult.DENIED,
            object_type=match.view_name if match else "",
            detail="no policy" if policy is None else "",
            request=request,
        )
        raise PermissionDenied


class AccountGateMiddleware:
    """Holds a signed-in account at two gates before any other page.

    1. A TOTP device confirmed for the account: the code must be entered after
       the password (and, with ``LIANBING_OTP_REQUIRED_FOR_ADMINS``, an
       administrator without a device must set one up).
    2. ``Profile.must_change_password`` (every new account): the password must
       be changed first.
    """

    EXEMPT = frozenset(
        {
            "logout",
            "accounts:otp_verify",
            "accounts:otp_setup",
            "accounts:password_change",
            "javascript-catalog",
        }
    )

    OTP_PENDING_EXEMPT = frozenset({"logout", "accounts:otp_verify", "javascript-catalog"})

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        match = getattr(request, "resolver_match", None)
        view_name = match.view_name if match is not None else ""
        # Before the second step only the code page and signing out open: the
        # password page would let a stolen password replace itself, and the
        # set-up page would let it enrol a new device in place of the owner's.
        if request.session.get(OTP_PENDING):
            if view_name in self.OTP_PENDING_EXEMPT:
                return None
            return HttpResponseRedirect(reverse("accounts:otp_verify"))
        if view_name in self.EXEMPT:
            return None
        if (
            getattr(settings, "LIANBING_OTP_REQUIRED_FOR_ADMINS", False)
            and roles_of(user) & ADMIN_ROLES
            and not getattr(user, "is_verified", lambda: False)()
        ):
            return HttpResponseRedirect(reverse("accounts:otp_setup"))
        try:
            must_change = user.profile.must_change_password
        except Profile.DoesNotExist:
            must_change = False
        if must_change:
            return HttpResponseRedirect(reverse("accounts:password_change"))
        return None


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy (no inline script, no inline style) and Permissions-Policy.

    Pages carry no inline script: data for the charts travels in
    ``json_script`` blocks (``type="application/json"``, never executed) and
    every script is a static file. Referrer-Policy comes from
    ``SECURE_REFERRER_POLICY`` (Django's SecurityMiddleware).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "LIANBING_CONTENT_SECURITY_POLICY", CSP)
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


#: Session key holding the time (epoch seconds) of the account's last request.
LAST_SEEN = "lianbing_last_seen"
#: The last-seen mark is refreshed at most this often, so a page view does not
#: always cost a session write.
LAST_SEEN_GRANULARITY = 60


class IdleTimeoutMiddleware:
    """Ends a session idle for ``SESSION_COOKIE_AGE`` seconds (30 minutes).

    Each request moves the mark forward (at most once a minute); saving the
    session then also pushes the cookie's and the database row's expiry.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            import time

            from django.contrib.auth import logout

            now = int(time.time())
            last_seen = int(request.session.get(LAST_SEEN, now))
            if now - last_seen > settings.SESSION_COOKIE_AGE:
                logout(request)
                from django.contrib import messages
                from django.utils.translation import gettext as _

                messages.info(request, _("您已 30 分钟未操作，为保护数据已自动退出，请重新登录。"))
                return HttpResponseRedirect(f"{reverse('login')}?next={request.get_full_path()}")
            if now - last_seen >= LAST_SEEN_GRANULARITY or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
