"""The daily reminder by email: each person's due items, never the same item twice.

Every active account with an address (the account's email; for a mentor also
the mentor's own address when one is recorded) gets at most one mail a day
listing the items due for it (:func:`lianbing.training.selectors.home.due_for`)
that it has not been reminded of yet. A :class:`~lianbing.training.models.ReminderSent`
row per (account, item key) is inserted *before* the mail goes, in the same
transaction: a concurrent run trips over the unique constraint and skips the
item, and a mail that cannot be sent rolls its rows back so the next run
tries again. A row keyed ``mail:<date>`` keeps it to one mail a day.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from lianbing.accounts.models import Role
from lianbing.accounts.roles import roles_of

from ..models import ReminderSent
from ..selectors.home import Due, due_for

logger = logging.getLogger(__name__)

#: The roles that have due items of the training period.
REMINDED_ROLES = frozenset({Role.STAFF, Role.HOST_CONTACT, Role.MENTOR, Role.TRAINEE})

DEFAULT_SITE_URL = "http://localhost:8000"


class _NothingNew(Exception):
    """Every due item was mailed before: undo the day's row."""


@dataclass(frozen=True)
class Reminder:
    """One mail: to whom, where, what."""

    username: str
    recipients: tuple[str, ...]
    subject: str
    body: str
    keys: tuple[str, ...]


@dataclass
class ReminderRun:
    """What a run did (or, dry, would do)."""

    day: datetime.date
    dry_run: bool
    sent: list[Reminder] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def site_url() -> str:
    return str(getattr(settings, "LIANBING_SITE_URL", "") or DEFAULT_SITE_URL).rstrip("/")


def addresses_of(user: Any) -> tuple[str, ...]:
    """The account's email and, for a mentor, the mentor's own address, without duplicates."""
    found = [user.email or ""]
    profile = getattr(user, "profile", None)
    mentor = getattr(profile, "mentor", None) if profile is not None else None
    if mentor is not None:
        found.append(getattr(mentor, "email", "") or "")
    unique: list[str] = []
    for address in found:
        address = address.strip()
        if address and address.lower() not in {a.lower() for a in unique}:
            unique.append(address)
    return tuple(unique)


def _compose(
    user: Any, dues: list[Due], day: datetime.date, recipients: tuple[str, ...]
) -> Reminder:
    base = site_url()
    name = user.get_full_name().strip() or user.get_username()
    lines = [
        _("%(name)s，您好：") % {"name": name},
        "",
        _("截至 %(date)s，您在练兵台有以下 %(count)d 项待办：")
        % {"date": f"{day.year}年{day.month}月{day.day}日", "count": len(dues)},
        "",
    ]
    for number, due in enumerate(dues, start=1):
        lines.append(f"{number}. {due.label}")
        lines.append(f"   {base}{due.url}")
    lines += [
        "",
        _("请登录练兵台处理：%(url)s") % {"url": base + reverse("web:dashboard")},
        _("（本邮件由练兵台每日自动发送，同一事项只提醒一次。）"),
    ]
    subject = _("【练兵台】您有 %(count)d 项练兵待办（%(date)s）") % {
        "count": len(dues),
        "date": f"{day.month}月{day.day}日",
    }
    return Reminder(
        username=user.get_username(),
        recipients=recipients,
        subject=subject,
        body="\n".join(lines),
        keys=tuple(d.key for d in dues),
    )


def _claim(user: Any, key: str) -> bool:
    """Insert the (user, key) row; False when it is already there (sent, or being sent)."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(user=user, key=key)
    except IntegrityError:
        return False
    return True


def _remind(
    user: Any, dues: list[Due], day: datetime.date, recipients: tuple[str, ...]
) -> Reminder | None:
    try:
        with transaction.atomic():
            if not _claim(user, f"mail:{day.isoformat()}"):
                return None
            fresh = [due for due in dues if _claim(user, due.key)]
            if not fresh:
                raise _NothingNew
            reminder = _compose(user, fresh, day, recipients)
            send_mail(
                subject=reminder.subject,
                message=reminder.body,
                from_email=None,
                recipient_list=list(recipients),
            )
            return reminder
    except _NothingNew:
        return None


def _preview(
    user: Any, dues: list[Due], day: datetime.date, recipients: tuple[str, ...]
) -> Reminder | None:
    keys = set(
        ReminderSent.objects.filter(
            user=user, key__in=[f"mail:{day.isoformat()}", *(d.key for d in dues)]
        ).values_list("key", flat=True)
    )
    if f"mail:{day.isoformat()}" in keys:
        return None
    fresh = [due for due in dues if due.key not in keys]
    return _compose(user, fresh, day, recipients) if fresh else None


def reminders_send(*, day: datetime.date, dry_run: bool = False) -> ReminderRun:
    """Mail every account with an address its new due items on ``day`` (or, dry, say what would go)."""
    run = ReminderRun(day=day, dry_run=dry_run)
    accounts = (
        get_user_model()
        .objects.filter(is_active=True)
        .select_related("profile", "profile__mentor")
        .order_by("pk")
    )
    for user in accounts:
        if not roles_of(user) & REMINDED_ROLES:
            continue
        recipients = addresses_of(user)
        if not recipients:
            continue
        dues = [due for due in due_for(user, day) if due.mail]
        if not dues:
            continue
        if dry_run:
            reminder = _preview(user, dues, day, recipients)
        else:
            try:
                reminder = _remind(user, dues, day, recipients)
            except (OSError, smtplib.SMTPException):
                # Nothing recorded: the next run tries this account again.
                logger.warning("Reminder to account %s could not be sent", user.pk, exc_info=True)
                run.failed.append(user.get_username())
                continue
        if reminder is not None:
            run.sent.append(reminder)
    return run
