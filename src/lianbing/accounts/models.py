"""Roles: one role per account, with the unit, mentor or cadre it acts for.

三员分立: the system administrator manages accounts and settings, the
security administrator grants roles, the auditor only reads the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianbing.people.models import Cadre, Mentor, Unit


class Role(models.TextChoices):
    STAFF = "staff", _("组织部干部科")
    HOST_CONTACT = "host_contact", _("用人单位联系人")
    MENTOR = "mentor", _("练兵导师")
    INSPECTOR = "inspector", _("考察组成员")
    TRAINEE = "trainee", _("练兵干部")
    AUDITOR = "auditor", _("审计员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")


class Profile(models.Model):
    """The role of an account and whom it acts for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        help_text=_("用人单位联系人所代表的单位"),
    )
    mentor = models.OneToOneField(
        Mentor,
        verbose_name=_("导师"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
    )
    cadre = models.OneToOneField(
        Cadre,
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
    )
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=True)
    # Set when an administrator sets the password, cleared when the holder picks
    # their own: the holder is told who reset it and when.
    password_reset_by = models.CharField(_("密码重置人"), max_length=150, blank=True)
    password_reset_at = models.DateTimeField(_("密码重置时间"), null=True, blank=True)

    class Meta:
        ordering = ["role", "user__username"]
        verbose_name = _("账号角色")
        verbose_name_plural = _("账号角色")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="profile_role_known"
            ),
            models.CheckConstraint(
                condition=~Q(role="host_contact") | Q(unit__isnull=False),
                name="host_contact_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(role="mentor") | Q(mentor__isnull=False),
                name="mentor_account_has_mentor",
            ),
            models.CheckConstraint(
                condition=~Q(role="trainee") | Q(cadre__isnull=False),
                name="trainee_account_has_cadre",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    VIEW = "view", _("查看")
    EXPORT = "export", _("导出")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    ACCESS = "access", _("访问页面")
    GRANT = "grant", _("授予角色")
    LOGIN_PENDING = "login_pending", _("密码正确，待两步验证")
    OTP_SETUP = "otp_setup", _("启用两步验证")
    OTP_FAILED = "otp_failed", _("两步验证失败")
    PASSWORD_RESET = "password_reset", _("管理员重置密码")
    RESTORE = "restore", _("恢复备份")


class AuditResult(models.TextChoices):
    SUCCESS = "success", _("成功")
    DENIED = "denied", _("拒绝")


class AuditTrailImmutableError(RuntimeError):
    """Raised on any attempt to change or remove an audit event."""

    def __init__(self) -> None:
        super().__init__("审计记录只能追加，不能修改或删除。")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Reads only: every bulk write path of a queryset refuses."""

    def update(self, **kwargs: object) -> int:
        raise AuditTrailImmutableError

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailImmutableError

    def bulk_update(self, *args: object, **kwargs: object) -> int:
        raise AuditTrailImmutableError

    def update_or_create(self, *args: object, **kwargs: object) -> tuple[AuditEvent, bool]:
        raise AuditTrailImmutableError

    def bulk_create(self, *args: object, **kwargs: object) -> list[AuditEvent]:
        # Rows are chained one by one (AuditEvent.save); a bulk insert would skip the chain.
        raise AuditTrailImmutableError


class AuditEvent(models.Model):
    """One line of the audit trail (审计日志); written once, never changed.

    The user is kept as id and name rather than a foreign key, so deleting an
    account never needs to touch (or cascade into) its audit lines.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(_("账号编号"), null=True, blank=True, db_index=True)
    username = models.CharField(_("账号"), max_length=150, blank=True)
    role = models.CharField(_("角色"), max_length=20, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    result = models.CharField(_("结果"), max_length=10, choices=AuditResult.choices)
    address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    path = models.CharField(_("页面"), max_length=300, blank=True)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, blank=True, editable=False)
    row_hash = models.CharField(_("哈希"), max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AuditAction.values), name="audit_action_known"
            ),
            models.CheckConstraint(
                condition=Q(result__in=AuditResult.values), name="audit_result_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditTrailImmutableError
        # Chaining lives here, not in a service, because every insert must be
        # chained whoever makes it; the lock keeps two inserts off one predecessor.
        from . import audit_chain

        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            audit_chain.lock(connections[using])
            last = (
                type(self)
                .objects.using(using)
                .order_by("-id")
                .values_list("row_hash", flat=True)
                .first()
            )
            self.prev_hash = last or audit_chain.GENESIS
            self.row_hash = audit_chain.row_hash(
                {name: getattr(self, name) for name in audit_chain.FIELDS}, self.prev_hash
            )
            super().save(*args, **kwargs)

    @classmethod
    def append_many(cls, events: Sequence[Mapping[str, Any]], *, using: str = "default") -> int:
        """Chain and insert one row per mapping of field values, in this order: one lock, one look-up.

        What :meth:`save` does for one row, for many (an import writes tens of
        thousands): the chain is computed in memory from the last row's hash,
        then one ``executemany`` inserts the rows in that order, so their ids
        follow the chain. Plain values, not model instances: building and
        preparing instances cost more than the hashing. ``at`` defaults to
        now, every other field missing to blank. Returns the rows written.
        """
        from . import audit_chain

        if not events:
            return 0
        connection = connections[using]
        fields = [f for f in cls._meta.concrete_fields if not f.primary_key]
        at = next(f for f in fields if f.name == "at")
        blank = {f.attname: f.get_default() for f in fields}  # ``at``: now, once for all
        with transaction.atomic(using=using):
            audit_chain.lock(connection)
            last = (
                cls.objects.using(using).order_by("-id").values_list("row_hash", flat=True).first()
            )
            previous = last or audit_chain.GENESIS
            rows = []
            for given in events:
                values = {**blank, **given, "prev_hash": previous}
                values["row_hash"] = previous = audit_chain.row_hash(values, previous)
                values["at"] = at.get_db_prep_save(values["at"], connection)
                rows.append([values[f.attname] for f in fields])
            # The queryset refuses bulk inserts (they would skip the chain); this one is chained.
            sql = "INSERT INTO {} ({}) VALUES ({})".format(
                connection.ops.quote_name(cls._meta.db_table),
                ", ".join(connection.ops.quote_name(f.column) for f in fields),
                ", ".join(["%s"] * len(fields)),
            )
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)
        return len(rows)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditTrailImmutableError
