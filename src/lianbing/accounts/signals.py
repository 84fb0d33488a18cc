"""Sign-in events into the audit trail; the two-step gate is armed at sign-in."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django_otp import user_has_device

from . import audit
from .middleware import LAST_SEEN, OTP_PENDING
from .models import AuditAction, AuditResult


@receiver(user_logged_in, dispatch_uid="lianbing-audit-login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())
        if user_has_device(user, confirmed=True) and not getattr(user, "otp_device", None):
            request.session[OTP_PENDING] = True
    audit.record(action=AuditAction.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="lianbing-audit-logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(action=AuditAction.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="lianbing-audit-login-failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    # Only the user name: credentials also hold the password, cleansed or not.
    audit.record(
        action=AuditAction.LOGIN_FAILED,
        result=AuditResult.DENIED,
        object_type="auth.User",
        object_repr=str(credentials.get("username", ""))[:150],
        request=request,
        user=None,
    )


def _locked_out(sender: Any, request: Any = None, username: str = "", **kw: Any) -> None:
    audit.record(
        action=AuditAction.LOGIN_FAILED,
        result=AuditResult.DENIED,
        object_type="auth.User",
        object_repr=str(username or "")[:150],
        detail="账号已锁定 30 分钟",
        request=request,
        user=None,
    )


def connect_axes() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="lianbing-audit-locked-out")
