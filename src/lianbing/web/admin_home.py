"""The three administrators' home pages (三员): each sees only their own scope.

- system administrator (系统管理员): background work and accounts to look after;
- security administrator (安全管理员): roles, lock-outs and two-step sign-in;
- auditor (审计员): the audit trail's state, today's events and exports.

Each reader makes a fixed number of queries (aggregates, and the auditor's
check of the latest :data:`CHAIN_CHECKED` links of the hash chain), whatever
the size of the program or of the audit trail. Lines are shaped like the other
due items; their stable ``kind`` codes:

- system administrator: ``jobs-failed`` (background tasks failed in the last
  :data:`FAILED_DAYS` days), ``jobs-waiting`` (tasks queued for more than
  :data:`WAITING_MINUTES` minutes: the worker may be down), ``jobs-stuck``
  (tasks running longer than ``LIANBING_STALE_WORK_MINUTES``),
  ``password-change`` (accounts that must still change their first password);
- security administrator: ``account-no-role`` (accounts without a role),
  ``account-locked`` (accounts locked out after failed sign-ins),
  ``admin-no-otp`` (administrators without two-step sign-in);
- auditor: ``audit-chain-broken`` (the latest links of the hash chain do not
  hold), ``audit-denied`` (refused accesses today), ``audit-exports``
  (exports in the last :data:`EXPORT_DAYS` days).

Besides the lines, each role gets a few figures (:class:`Figure`) that are
not tasks: when the worker last finished a task, how many audit events today.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import User
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lianbing.accounts import audit_chain
from lianbing.accounts.models import AuditAction, AuditEvent, AuditResult, Profile, Role
from lianbing.accounts.roles import ADMIN_ROLES, roles_of

from .next_steps import Step

FAILED_DAYS = 7
WAITING_MINUTES = 5
EXPORT_DAYS = 7
#: How many of the newest audit events the home page re-checks (the whole chain: ``audit_verify``).
CHAIN_CHECKED = 500


@dataclass(frozen=True)
class Figure:
    """A fact the administrator should know, not a task: a label, a value, an optional note."""

    label: str
    value: str
    note: str = ""


@dataclass
class AdminHome:
    """What one administrator's home page shows: lines of 我的待办, figures, and links to their pages."""

    steps: list[Step] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


def _moment(value: datetime.datetime | None) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else _("无记录")


def _system_admin(home: AdminHome, now: datetime.datetime) -> None:
    stale = now - datetime.timedelta(minutes=settings.LIANBING_STALE_WORK_MINUTES)
    waiting = Q(
        status=TaskResultStatus.READY,
        run_after__lt=now - datetime.timedelta(minutes=WAITING_MINUTES),
    )
    tasks = DBTaskResult.objects.aggregate(
        failed=Count(
            "pk",
            filter=Q(
                status=TaskResultStatus.FAILED,
                finished_at__gte=now - datetime.timedelta(days=FAILED_DAYS),
            ),
        ),
        waiting=Count("pk", filter=waiting),
        stuck=Count("pk", filter=Q(status=TaskResultStatus.RUNNING, started_at__lt=stale)),
        last_finished=Max("finished_at"),
        last_started=Max("started_at"),
    )
    tasks_url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    if tasks["failed"]:
        home.steps.append(
            Step(
                "jobs-failed",
                _("近 %(days)d 天失败的后台任务：查看错误信息，必要时请业务人员重新提交")
                % {"days": FAILED_DAYS},
                tasks["failed"],
                f"{tasks_url}?{urlencode({'status__exact': TaskResultStatus.FAILED})}",
            )
        )
    if tasks["waiting"]:
        home.steps.append(
            Step(
                "jobs-waiting",
                _(
                    "排队超过 %(minutes)d 分钟仍未开始的后台任务：请检查后台进程（lianbing worker）是否在运行"
                )
                % {"minutes": WAITING_MINUTES},
                tasks["waiting"],
                f"{tasks_url}?{urlencode({'status__exact': TaskResultStatus.READY})}",
            )
        )
    if tasks["stuck"]:
        home.steps.append(
            Step(
                "jobs-stuck",
                _("运行超过 %(minutes)d 分钟的后台任务：后台进程可能已中断，请重启 lianbing worker")
                % {"minutes": settings.LIANBING_STALE_WORK_MINUTES},
                tasks["stuck"],
                f"{tasks_url}?{urlencode({'status__exact': TaskResultStatus.RUNNING})}",
            )
        )
    must_change = Profile.objects.filter(must_change_password=True, user__is_active=True).count()
    if must_change:
        home.steps.append(
            Step(
                "password-change",
                _("尚未修改初始密码的账号：提醒本人登录后修改"),
                must_change,
                reverse("admin:auth_user_changelist"),
            )
        )
    home.figures += [
        Figure(
            _("后台进程最近完成任务"),
            _moment(tasks["last_finished"]),
            _("后台进程（lianbing worker）须一直运行，匹配、导入和导出才会进行。"),
        ),
        Figure(
            _("数据库备份"),
            _("请定期备份"),
            _("用 lianbing backup -o 文件 备份，lianbing restore 文件 恢复；备份文件请异地保存。"),
        ),
    ]


def _security_admin(home: AdminHome, now: datetime.datetime) -> None:
    # An account that cannot sign in with a password (the demo's history
    # authors, an account disabled that way) needs no role.
    no_role = (
        User.objects.filter(
            is_active=True, is_superuser=False, is_staff=False, profile__isnull=True
        )
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .count()
    )
    if no_role:
        home.steps.append(
            Step(
                "account-no-role",
                _("尚未授予角色的账号：在“角色授予”中授予角色"),
                no_role,
                reverse("accounts:role_list"),
            )
        )
    locked = (
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=now - settings.AXES_COOLOFF_TIME,
        )
        .values("username")
        .distinct()
        .count()
    )
    if locked:
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        home.steps.append(
            Step(
                "account-locked",
                _("因多次密码错误被锁定的账号（%(minutes)d 分钟后自动解锁；如非本人操作请核实）")
                % {"minutes": minutes},
                locked,
                reverse("accounts:role_list"),
            )
        )
    without_otp = (
        Profile.objects.filter(role__in=ADMIN_ROLES, user__is_active=True)
        .annotate(
            otp=Exists(TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True))
        )
        .filter(otp=False)
        .count()
    )
    if without_otp:
        home.steps.append(
            Step(
                "admin-no-otp",
                _("尚未启用两步验证的管理员账号：请本人在“两步验证”中启用"),
                without_otp,
                reverse("accounts:role_list"),
            )
        )


def _auditor(home: AdminHome, now: datetime.datetime) -> None:
    newest = list(
        AuditEvent.objects.order_by("-id").values(
            "id", "prev_hash", "row_hash", *audit_chain.FIELDS
        )[:CHAIN_CHECKED]
    )
    newest.reverse()
    checked = audit_chain.verify(newest)
    today = timezone.localtime(now).date()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    since = now - datetime.timedelta(days=EXPORT_DAYS)
    counts = AuditEvent.objects.filter(at__gte=min(start, since)).aggregate(
        today=Count("pk", filter=Q(at__gte=start)),
        denied=Count("pk", filter=Q(at__gte=start, result=AuditResult.DENIED)),
        exports=Count("pk", filter=Q(at__gte=since, action=AuditAction.EXPORT)),
    )
    audit_url = reverse("accounts:audit_list")
    if checked.broken is not None:
        home.steps.append(
            Step(
                "audit-chain-broken",
                _("审计记录哈希链断裂：请立即核查并报告"),
                1,
                audit_url,
                (checked.broken.message(),),
            )
        )
    if counts["denied"]:
        home.steps.append(
            Step(
                "audit-denied",
                _("今天被拒绝的访问"),
                counts["denied"],
                f"{audit_url}?{urlencode({'result': AuditResult.DENIED, 'date_from': today.isoformat()})}",
            )
        )
    if counts["exports"]:
        home.steps.append(
            Step(
                "audit-exports",
                _("近 %(days)d 天的数据导出") % {"days": EXPORT_DAYS},
                counts["exports"],
                f"{audit_url}?{urlencode({'action': AuditAction.EXPORT, 'date_from': since.date().isoformat()})}",
            )
        )
    chain = (
        _("完整（最近 %(rows)d 条）") % {"rows": checked.rows}
        if checked.broken is None
        else _("断裂")
    )
    home.figures += [
        Figure(
            _("审计记录哈希链"),
            chain,
            _("全部记录的校验：lianbing manage audit_verify。"),
        ),
        Figure(_("今天的审计记录"), str(counts["today"])),
    ]


def admin_home(user: Any) -> AdminHome | None:
    """The administrator's lines and figures; None for an account that is none of the three."""
    roles = roles_of(user) & ADMIN_ROLES
    if not roles:
        return None
    now = timezone.now()
    home = AdminHome()
    if Role.SYSTEM_ADMIN in roles:
        _system_admin(home, now)
    if Role.SECURITY_ADMIN in roles:
        _security_admin(home, now)
    if Role.AUDITOR in roles:
        _auditor(home, now)
    return home
