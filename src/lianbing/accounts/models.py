"""Roles: one role per account, with the unit, mentor or cadre it acts for.

三员分立: the system administrator manages accounts and settings, the
security administrator grants roles, the auditor only reads the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
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
