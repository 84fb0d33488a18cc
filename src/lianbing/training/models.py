"""Secondments (练兵安排): a cadre placed on a post for the program's training period."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianbing.demand.models import Post, Program
from lianbing.engine import taxonomy
from lianbing.people.models import Cadre, Mentor


class Secondment(models.Model):
    """One cadre seconded to one post, created when a match run is finalised.

    The mentor is named later (练兵导师一对一); when the post already names one it
    is proposed. A secondment is never deleted: when a new run supersedes the
    run it came from, it is marked superseded with the reason.
    """

    program = models.ForeignKey(
        Program, verbose_name=_("练兵批次"), on_delete=models.PROTECT, related_name="secondments"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="secondments"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="secondments"
    )
    source_run = models.ForeignKey(
        "matching.MatchRun",
        verbose_name=_("来源匹配方案"),
        on_delete=models.PROTECT,
        related_name="secondments",
    )
    mentor = models.ForeignKey(
        Mentor,
        verbose_name=_("导师"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secondments",
        help_text=_("为空表示导师待定"),
    )
    started_on = models.DateField(_("开始日期"))
    duration_months = models.PositiveSmallIntegerField(_("练兵期限（月）"))
    superseded_at = models.DateTimeField(_("被取代时间"), null=True, blank=True)
    supersede_reason = models.TextField(_("取代理由"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["program", "post", "cadre"]
        verbose_name = _("练兵安排")
        verbose_name_plural = _("练兵安排")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "cadre"],
                condition=Q(superseded_at__isnull=True),
                name="secondment_one_current_per_cadre",
            ),
            models.CheckConstraint(
                condition=Q(duration_months__gte=taxonomy.DURATION_MIN_MONTHS)
                & Q(duration_months__lte=taxonomy.DURATION_MAX_MONTHS),
                name="secondment_duration_6_to_12_months",
            ),
            models.CheckConstraint(
                condition=Q(superseded_at__isnull=True) | ~Q(supersede_reason=""),
                name="secondment_superseded_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} → {self.post.name}"
