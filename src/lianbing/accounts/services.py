"""Writes of accounts: password change, two-step set-up, role grants, audit pruning."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianbing.people.models import Cadre, Mentor, Unit

from . import audit
from .audit_guard import RETENTION_DAYS, TABLE
from .models import AuditAction, AuditEvent, Profile, Role

OTP_DEVICE_NAME = "练兵台"


@transaction.atomic
def profile_password_changed(*, user: Any) -> None:
    """Note that the account has chosen its own password (lifts the first-login gate)."""
    Profile.objects.filter(user=user, must_change_password=True).update(must_change_password=False)


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


@transaction.atomic
def otp_device_confirm(*, user: Any, token: str) -> TOTPDevice:
    """Confirm the pending device with a code it produced; older confirmed devices go."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None or not device.verify_token(token.strip()):
        raise OtpTokenError
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


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
) -> Profile:
    """Give ``user`` its one role, with the unit, mentor or cadre it acts for (安全管理员)."""
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
        detail=f"{user.get_username()} → {profile.get_role_display()}",
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
