"""Sign-in events into the audit trail; the two-step gate is armed at sign-in."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device

from . import audit, services
from .middleware import LAST_SEEN, OTP_PENDING
from .models import AuditAction, AuditResult, Profile


@receiver(user_logged_in, dispatch_uid="lianbing-audit-login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    pending = False
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())
        if user_has_device(user, confirmed=True) and not getattr(user, "otp_device", None):
            request.session[OTP_PENDING] = True
            pending = True
        _tell_of_reset(request, user)
    # A right password alone is not a sign-in when a second step follows: that
    # is recorded as pending here and as a sign-in once the code is entered.
    with audit.request_context(request):
        if pending:
            services.sign_in_pending(user=user)
        else:
            services.sign_in_completed(user=user, second_factor=False)


def _tell_of_reset(request: Any, user: Any) -> None:
    profile = Profile.objects.filter(user=user).first()
    if profile is None or profile.password_reset_at is None:
        return
    messages.warning(
        request,
        _(
            "您的密码已于 %(at)s 由管理员 %(by)s 重置，请设置只有您知道的新密码。如非您本人要求，请立即联系安全管理员。"
        )
        % {
            "at": f"{timezone.localtime(profile.password_reset_at):%Y-%m-%d %H:%M}",
            "by": profile.password_reset_by,
        },
        fail_silently=True,
    )


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
