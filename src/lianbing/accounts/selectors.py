"""Reads of the audit trail and of accounts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent, Profile


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    action: str = ""
    object_type: str = ""
    result: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_event_list(*, filters: AuditFilter) -> QuerySet[AuditEvent]:
    """Audit events, newest first, narrowed by user, action, object type, result and dates."""
    qs = AuditEvent.objects.all()
    if filters.username:
        qs = qs.filter(username__icontains=filters.username)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type__icontains=filters.object_type)
    if filters.result:
        qs = qs.filter(result=filters.result)
    if filters.date_from:
        qs = qs.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
    return qs.order_by("-at", "-id")


def audit_object_types() -> list[str]:
    """The object types present in the trail, for the filter drop-down."""
    return sorted(
        t
        for t in AuditEvent.objects.order_by()
        .values_list("object_type", flat=True)
        .distinct()
        .iterator()
        if t
    )


def account_list() -> QuerySet:  # type: ignore[type-arg]
    """Accounts with their role profile (security administrator's page)."""
    return (
        get_user_model()
        .objects.select_related("profile", "profile__unit", "profile__mentor", "profile__cadre")
        .order_by("username")
    )


def profile_of(user_id: int) -> Profile | None:
    return Profile.objects.filter(user_id=user_id).first()
