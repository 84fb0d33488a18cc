"""Training programs (batches) and their posts at host units."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianbing.engine import taxonomy
from lianbing.people.models import CATEGORY_CHOICES, Cadre, Mentor, Unit

ABILITY_CHOICES = taxonomy.choices(taxonomy.ABILITIES)


class Program(models.Model):
    """A training batch (练兵批次): a name, a period and the pool of cadres."""

    name = models.CharField(_("批次名称"), max_length=100, unique=True)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"))
    cadres = models.ManyToManyField(
        Cadre, verbose_name=_("干部库"), blank=True, related_name="programs"
    )
    log_gap_days = models.PositiveSmallIntegerField(
        _("日志提醒天数"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("练兵干部连续这么多天没有日志时，列入跟踪提醒"),
    )
    assessment_scale = models.PositiveSmallIntegerField(
        _("月度评价分制"),
        default=5,
        choices=[(5, _("5 分制")), (10, _("10 分制")), (100, _("百分制"))],
        help_text=_("导师月度评价七项能力时使用的最高分"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "name"]
        verbose_name = _("练兵批次")
        verbose_name_plural = _("练兵批次")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__gt=models.F("started_on")), name="program_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A training post at a host unit, with every field of the 岗位 spreadsheet template."""

    program = models.ForeignKey(
        Program, verbose_name=_("练兵批次"), on_delete=models.CASCADE, related_name="posts"
    )
    code = models.CharField(_("岗位编号"), max_length=32)
    name = models.CharField(_("岗位名称"), max_length=100)
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="posts"
    )
    category = models.CharField(_("类别"), max_length=20, choices=CATEGORY_CHOICES)
    duties = models.TextField(_("岗位职责"), blank=True)
    key_tasks = models.TextField(_("重点任务"), blank=True)
    expertise_needed = models.TextField(_("所需专长"), blank=True)
    develops = models.TextField(_("锻炼方向"), blank=True)
    seats = models.PositiveSmallIntegerField(
        _("名额"), default=1, validators=[MinValueValidator(1)]
    )
    duration_months = models.PositiveSmallIntegerField(
        _("练兵期限（月）"),
        default=taxonomy.DURATION_MAX_MONTHS,
        validators=[
            MinValueValidator(taxonomy.DURATION_MIN_MONTHS),
            MaxValueValidator(taxonomy.DURATION_MAX_MONTHS),
        ],
    )
    mentor = models.ForeignKey(
        Mentor,
        verbose_name=_("导师"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
    )
    preferred_by = models.ManyToManyField(
        Cadre,
        verbose_name=_("志愿干部"),
        blank=True,
        related_name="preferred_posts",
        help_text=_("把本岗位填为志愿岗位的干部"),
    )
    # Optimistic lock: an edit form carries the version it loaded and a save is
    # refused once someone else has saved since (lianbing.people.versioning).
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["program", "code"]
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="post_code_unique_in_program"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="post_seats_at_least_one"),
            models.CheckConstraint(
                condition=Q(duration_months__gte=taxonomy.DURATION_MIN_MONTHS)
                & Q(duration_months__lte=taxonomy.DURATION_MAX_MONTHS),
                name="post_duration_6_to_12_months",
            ),
            models.CheckConstraint(
                condition=Q(category__in=taxonomy.CATEGORY_CODES), name="post_category_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}·{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        return reverse("web:post_detail", args=[self.pk])


class PostCoreAbility(models.Model):
    """A core ability a post requires (核心能力), with its weight."""

    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="core_abilities"
    )
    ability = models.CharField(_("能力"), max_length=20, choices=ABILITY_CHOICES)
    weight = models.DecimalField(
        _("权重"), max_digits=4, decimal_places=1, default=1, validators=[MinValueValidator(0.1)]
    )

    class Meta:
        ordering = ["post", "-weight", "ability"]
        verbose_name = _("核心能力")
        verbose_name_plural = _("核心能力")
        constraints = [
            models.UniqueConstraint(fields=["post", "ability"], name="core_ability_once_per_post"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="core_ability_weight_positive"),
            models.CheckConstraint(
                condition=Q(ability__in=taxonomy.ABILITY_CODES), name="core_ability_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_ability_display()}:{self.weight}"
