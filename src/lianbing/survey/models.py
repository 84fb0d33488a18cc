"""Survey rounds and the demands host units file in them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianbing.demand.models import ABILITY_CHOICES, Post, Program
from lianbing.engine import taxonomy
from lianbing.people.models import CATEGORY_CHOICES, Unit

_TAG_SEPARATORS = str.maketrans({sep: " " for sep in "、，,；;"})


def split_tags(value: str) -> list[str]:
    """Tags written as one line, separated by 、，,；; or spaces."""
    return list(dict.fromkeys(value.translate(_TAG_SEPARATORS).split()))


class SurveyRound(models.Model):
    """A demand survey (人才缺口调研) the department opens, with a filing deadline."""

    name = models.CharField(_("调研名称"), max_length=100, unique=True)
    deadline_at = models.DateTimeField(_("填报截止时间"))
    program = models.ForeignKey(
        Program,
        verbose_name=_("对应练兵批次"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_rounds",
        help_text=_("采纳的需求转为该批次的岗位；缺口分析以该批次的干部库为供给"),
    )
    note = models.TextField(_("填报说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-deadline_at", "name"]
        verbose_name = _("需求调研")
        verbose_name_plural = _("需求调研")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("survey:round_detail", args=[self.pk])


class DemandStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已采纳")
    CONVERTED = "converted", _("已转为岗位")


class Priority(models.IntegerChoices):
    LOW = 1, _("一般")
    NORMAL = 2, _("较急")
    HIGH = 3, _("紧急")


class Demand(models.Model):
    """A talent demand of a host unit (人才需求), filed by its contact."""

    survey_round = models.ForeignKey(
        SurveyRound, verbose_name=_("需求调研"), on_delete=models.CASCADE, related_name="demands"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="survey_demands"
    )
    title = models.CharField(_("岗位名称"), max_length=100)
    key_task = models.TextField(_("重点任务"))
    duties = models.TextField(_("岗位职责"), blank=True)
    expertise_needed = models.TextField(_("所需专长"), blank=True)
    tags = models.CharField(
        _("专长标签"), max_length=200, blank=True, help_text=_("多个标签用、或空格分隔")
    )
    category = models.CharField(_("类别"), max_length=20, choices=CATEGORY_CHOICES)
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
    priority = models.PositiveSmallIntegerField(
        _("紧迫程度"), choices=Priority.choices, default=Priority.NORMAL
    )
    current_staffing = models.PositiveSmallIntegerField(
        _("本单位该领域现有人数"), default=0, help_text=_("本单位目前从事这方面工作的人数")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=DemandStatus.choices, default=DemandStatus.DRAFT
    )
    return_comment = models.TextField(_("退回意见"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    post = models.OneToOneField(
        Post,
        verbose_name=_("转成的岗位"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_demand",
    )
    # Optimistic lock: see lianbing.people.versioning.
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["survey_round", "unit", "-priority", "id"]
        verbose_name = _("人才需求")
        verbose_name_plural = _("人才需求")
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="demand_seats_at_least_one"),
            models.CheckConstraint(
                condition=Q(duration_months__gte=taxonomy.DURATION_MIN_MONTHS)
                & Q(duration_months__lte=taxonomy.DURATION_MAX_MONTHS),
                name="demand_duration_6_to_12_months",
            ),
            models.CheckConstraint(
                condition=Q(category__in=taxonomy.CATEGORY_CODES), name="demand_category_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DemandStatus.values), name="demand_status_known"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=Priority.values), name="demand_priority_known"
            ),
            models.CheckConstraint(condition=~Q(key_task=""), name="demand_key_task_not_blank"),
            models.CheckConstraint(
                condition=Q(post__isnull=True) | Q(status=DemandStatus.CONVERTED),
                name="demand_post_only_when_converted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}·{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("survey:demand_detail", args=[self.pk])

    @property
    def tag_list(self) -> list[str]:
        return split_tags(self.tags)


class DemandAbility(models.Model):
    """A core ability a demand asks for, with its weight (核心能力)."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("人才需求"), on_delete=models.CASCADE, related_name="abilities"
    )
    ability = models.CharField(_("能力"), max_length=20, choices=ABILITY_CHOICES)
    weight = models.DecimalField(
        _("权重"), max_digits=4, decimal_places=1, default=1, validators=[MinValueValidator(0.1)]
    )

    class Meta:
        ordering = ["demand", "-weight", "ability"]
        verbose_name = _("需求核心能力")
        verbose_name_plural = _("需求核心能力")
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "ability"], name="demand_ability_once_per_demand"
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0), name="demand_ability_weight_positive"
            ),
            models.CheckConstraint(
                condition=Q(ability__in=taxonomy.ABILITY_CODES), name="demand_ability_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_ability_display()}:{self.weight}"
