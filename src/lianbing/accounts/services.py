"""Writes of accounts: passwords, two-step sign-in, role grants, account records, audit pruning."""

from __future__ import annotations

import datetime
import logging
import smtplib
from typing import Any

from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianbing.people.models import Cadre, Mentor, Unit

from . import audit
from .audit_guard import RETENTION_DAYS, TABLE
from .models import AuditAction, AuditEvent, AuditResult, Profile, Role
from .roles import ADMIN_ROLES

logger = logging.getLogger(__name__)

OTP_DEVICE_NAME = "练兵台"


@transaction.atomic
def profile_password_changed(*, user: Any) -> None:
    """Note that the account has chosen its own password (lifts the first-login gate)."""
    Profile.objects.filter(user=user).update(
        must_change_password=False, password_reset_by="", password_reset_at=None
    )


class PasswordResetRefused(PermissionError):
    """An administrator's password is reset only by a superuser (or by its holder)."""

    def __init__(self) -> None:
        super().__init__(
            "系统管理员不能重置管理员（安全管理员、审计员、系统管理员）或超级用户创建的账号的密码："
            "请由超级用户在服务器上执行 lianbing manage changepassword。"
        )


def account_password_reset_allowed(*, user: Any, by: Any) -> bool:
    """Whether ``by`` may set ``user``'s password.

    Resetting another administrator's password would let the system
    administrator sign in as the security administrator and grant roles at
    will, so only a superuser may; the same for staff-flagged accounts a
    superuser made, which have no profile to re-arm.
    """
    if by.is_superuser or by.pk == user.pk:
        return True
    if user.is_superuser:
        return False
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return not user.is_staff
    return profile.role not in ADMIN_ROLES


@transaction.atomic
def account_password_reset(*, user: Any, by: Any) -> None:
    """A password set by an administrator (``by``): the holder must change it at next sign-in.

    Re-arms ``must_change_password``, notes who reset it and when (shown to the
    holder at sign-in), records the reset, and tells the holder by email when
    the account has an address.
    """
    if not account_password_reset_allowed(user=user, by=by):
        raise PasswordResetRefused
    if by.pk == user.pk:
        profile_password_changed(user=user)
        return
    now = timezone.now()
    Profile.objects.filter(user=user).update(
        must_change_password=True, password_reset_by=by.get_username(), password_reset_at=now
    )
    mailed = _tell_holder_of_reset(user=user, by=by, at=now)
    audit.record(
        action=AuditAction.PASSWORD_RESET,
        object_type="auth.User",
        object_id=user.pk,
        object_repr=user.get_username(),
        detail="下次登录须修改密码" + ("；已发邮件通知本人" if mailed else ""),
        user=by,
    )


@transaction.atomic
def account_password_set_at_console(*, user: Any) -> None:
    """A password set with ``lianbing manage changepassword``: changed again at next sign-in.

    Whoever typed it at the server's console knows it, as an administrator
    does after a reset, so the holder's gate is re-armed the same way and the
    change is recorded (the trail's user is empty: the console has no account).
    """
    now = timezone.now()
    Profile.objects.filter(user=user).update(
        must_change_password=True, password_reset_by="服务器命令行", password_reset_at=now
    )
    audit.record(
        action=AuditAction.PASSWORD_RESET,
        object_type="auth.User",
        object_id=user.pk,
        object_repr=user.get_username(),
        detail="在服务器命令行设置密码，下次登录须修改密码",
    )


def _tell_holder_of_reset(*, user: Any, by: Any, at: datetime.datetime) -> bool:
    if not user.email:
        return False
    try:
        send_mail(
            subject="【练兵台】您的登录密码已被管理员重置",
            message=(
                f"{user.get_username()}，您好：\n\n"
                f"您在练兵台的登录密码已于 {timezone.localtime(at):%Y-%m-%d %H:%M} "
                f"由系统管理员 {by.get_username()} 重置。下次登录时须设置只有您知道的新密码。\n"
                "如非您本人要求，请立即联系安全管理员。"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
    except (OSError, smtplib.SMTPException):
        # The reset stands; the audit row says no mail went out.
        logger.warning("Password-reset notice to %s could not be sent", user.pk, exc_info=True)
        return False
    return True


def account_admin_saved(*, user: Any, created: bool, changed: list[str], by: Any) -> None:
    """Record an account created or changed on the admin site (deactivation said plainly)."""
    if created:
        audit.record(
            action=AuditAction.CREATE,
            object_type="auth.User",
            object_id=user.pk,
            object_repr=user.get_username(),
            detail="新建账号",
            user=by,
        )
        return
    detail = "修改字段：" + "、".join(changed) if changed else "未修改字段"
    if "is_active" in changed:
        detail = ("停用账号；" if not user.is_active else "启用账号；") + detail
    audit.record(
        action=AuditAction.UPDATE,
        object_type="auth.User",
        object_id=user.pk,
        object_repr=user.get_username(),
        detail=detail,
        user=by,
    )


def account_admin_deleted(*, user: Any, by: Any) -> None:
    audit.record(
        action=AuditAction.DELETE,
        object_type="auth.User",
        object_id=user.pk,
        object_repr=user.get_username(),
        detail="删除账号",
        user=by,
    )


@transaction.atomic
def otp_device_start(*, user: Any) -> TOTPDevice:
    """A fresh, unconfirmed TOTP device for ``user`` (replacing an unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice(user=user, name=OTP_DEVICE_NAME, confirmed=False)
    device.full_clean()
    device.save()
    return device


class OtpTokenError(ValueError):
    """The six-digit code did not match."""

    def __init__(self) -> None:
        super().__init__("验证码不正确或已过期，请在验证器中查看最新的 6 位数字后重试。")


def otp_device_confirm(*, user: Any, token: str) -> TOTPDevice:
    """Confirm the pending device with a code it produced; older confirmed devices go."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None or not device.verify_token(token.strip()):
        # Recorded outside any transaction, so the refusal is not rolled back with it.
        audit.record(
            action=AuditAction.OTP_FAILED,
            result=AuditResult.DENIED,
            detail="启用两步验证时验证码不正确",
            user=user,
        )
        raise OtpTokenError
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(action=AuditAction.OTP_SETUP, obj=device, user=user)
    return device


def otp_sign_in_verify(*, user: Any, token: str) -> TOTPDevice:
    """The second step of signing in: the device whose code matches, or OtpTokenError.

    A wrong code is recorded; the caller logs the account in with the device
    and records the sign-in only then (see :func:`sign_in_completed`).
    """
    device = match_token(user, token.strip())
    if device is None:
        audit.record(
            action=AuditAction.OTP_FAILED,
            result=AuditResult.DENIED,
            detail="登录时验证码不正确",
            user=user,
        )
        raise OtpTokenError
    return device


def sign_in_completed(*, user: Any, second_factor: bool) -> None:
    """Record a finished sign-in (after the second step when the account has one)."""
    audit.record(
        action=AuditAction.LOGIN, detail="已通过两步验证" if second_factor else "", user=user
    )


def sign_in_pending(*, user: Any) -> None:
    """Record a right password on an account whose second step is still to come."""
    audit.record(action=AuditAction.LOGIN_PENDING, detail="密码正确，等待输入两步验证码", user=user)


class RoleGrantError(ValueError):
    """The role cannot be granted as asked; the message says what is missing."""


@transaction.atomic
def role_grant(
    *,
    user: Any,
    role: str,
    unit: Unit | None = None,
    mentor: Mentor | None = None,
    cadre: Cadre | None = None,
    granted_by: Any = None,
) -> Profile:
    """Give ``user`` its one role, with the unit, mentor or cadre it acts for (安全管理员).

    ``granted_by`` is the account granting (None for set-up commands). Nobody
    grants a role to their own account: a security administrator who could
    would hold every data right at will, which 三员分立 exists to prevent.
    """
    if granted_by is not None and granted_by.pk == user.pk:
        raise RoleGrantError("不能给自己的账号授予或更改角色：请由另一位安全管理员为您操作。")
    if role not in Role.values:
        raise RoleGrantError("未知角色。")
    needs = {
        Role.HOST_CONTACT: (unit, "用人单位联系人须指定所属单位。"),
        Role.MENTOR: (mentor, "练兵导师须指定对应的导师。"),
        Role.TRAINEE: (cadre, "练兵干部须指定对应的干部。"),
    }
    if role in needs and needs[Role(role)][0] is None:
        raise RoleGrantError(needs[Role(role)][1])
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    profile.role = role
    profile.unit = unit if role == Role.HOST_CONTACT else None
    profile.mentor = mentor if role == Role.MENTOR else None
    profile.cadre = cadre if role == Role.TRAINEE else None
    profile.full_clean()
    profile.save()
    audit.record(
        action=AuditAction.GRANT,
        obj=profile,
        detail=f"{user.get_username()} → {profile.get_role_display()}"
        + (f"（授予人 {granted_by.get_username()}）" if granted_by is not None else ""),
    )
    return profile


class RetentionError(ValueError):
    """Pruning would remove audit events younger than the retention period."""


def audit_prune(*, before: datetime.datetime, now: datetime.datetime | None = None) -> int:
    """Delete audit events older than ``before``; refuses anything within 180 days.

    The database refuses too (a trigger), and on PostgreSQL the application's
    role has no DELETE on the table: run this as the database maintenance role.
    """
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=RETENTION_DAYS)
    if before > limit:
        raise RetentionError(
            f"审计记录至少保留 {RETENTION_DAYS} 天：只能删除 {limit:%Y-%m-%d} 之前的记录。"
        )
    count = AuditEvent.objects.filter(at__lt=before).count()
    with transaction.atomic(), connection.cursor() as cursor:
        # The queryset refuses delete() on purpose; this is the one deleting path.
        cursor.execute(f"DELETE FROM {TABLE} WHERE at < %s", [before])
    return count
