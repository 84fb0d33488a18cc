"""Empowerment activities (青鸢赋能计划): series of forums, leaderless group
discussions and problem-solving contests, run in balanced groups.

The department sets each activity's topic (组织出题) and the abilities it
tests. A series has the members selected to organise (择优挑选部分成员轮流组织):
each activity names its organiser, and every selected member organises once
before anyone organises twice. Participants are split into balanced groups
(分组自治); each group has a leader, rotating over the series, who owns a task
(成员包干) whose outcome is recorded. Assessors score each participant on the
activity's abilities; the scores feed the growth index.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianbing.demand.models import Program
from lianbing.training.models import Secondment


class ActivityKind(models.TextChoices):
    FORUM = "forum", _("青年干部论坛")
    DISCUSSION = "discussion", _("无领导小组讨论")
    CONTEST = "contest", _("破难比拼赛")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    SCORING = "scoring", _("评分中")
    FINISHED = "finished", _("已结束")


class ActivitySeries(models.Model):
    """A series of activities of one program (e.g. 青鸢赋能计划 第一期)."""

    program = models.ForeignKey(
        Program,
        verbose_name=_("练兵批次"),
        on_delete=models.PROTECT,
        related_name="activity_series",
    )
    name = models.CharField(_("系列名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    organisers = models.ManyToManyField(
        Secondment,
        verbose_name=_("轮流组织成员"),
        related_name="organised_series",
        blank=True,
        help_text=_("择优挑选、轮流组织活动的练兵干部"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["program", "created_at", "pk"]
        verbose_name = _("赋能活动系列")
        verbose_name_plural = _("赋能活动系列")
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="series_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class PairRuleKind(models.TextChoices):
    SEPARATE = "separate", _("不得同组")
    TOGETHER = "together", _("必须同组")


class PairRule(models.Model):
    """Two participants who must be kept apart or together in every grouping of a series."""

    series = models.ForeignKey(
        ActivitySeries,
        verbose_name=_("活动系列"),
        on_delete=models.CASCADE,
        related_name="pair_rules",
    )
    kind = models.CharField(_("规则"), max_length=10, choices=PairRuleKind.choices)
    first = models.ForeignKey(
        Secondment, verbose_name=_("成员甲"), on_delete=models.PROTECT, related_name="+"
    )
    second = models.ForeignKey(
        Secondment, verbose_name=_("成员乙"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["series", "kind", "pk"]
        verbose_name = _("分组规则")
        verbose_name_plural = _("分组规则")
        constraints = [
            models.UniqueConstraint(fields=["series", "first", "second"], name="pair_rule_once"),
            models.CheckConstraint(
                condition=~Q(first=models.F("second")), name="pair_rule_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} · {self.second} · {self.get_kind_display()}"


class Activity(models.Model):
    """One forum, leaderless group discussion or contest of a series."""

    series = models.ForeignKey(
        ActivitySeries,
        verbose_name=_("活动系列"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    kind = models.CharField(_("活动类型"), max_length=12, choices=ActivityKind.choices)
    title = models.CharField(_("活动名称"), max_length=80)
    topic = models.TextField(_("题目"), help_text=_("组织出题：本场活动讨论或攻坚的题目"))
    held_on = models.DateField(_("活动日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    abilities = models.JSONField(
        _("考验能力"), default=list, help_text=_("七项能力中本场活动考验的能力代码")
    )
    participants = models.ManyToManyField(
        Secondment, verbose_name=_("参加成员"), related_name="activities", blank=True
    )
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评分人"),
        related_name="assessed_activities",
        blank=True,
    )
    organiser = models.ForeignKey(
        Secondment,
        verbose_name=_("组织者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_activities",
    )
    group_size = models.PositiveSmallIntegerField(_("每组人数"), default=6)
    scale_min = models.PositiveSmallIntegerField(_("最低分"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("最高分"), default=5)
    anchors = models.JSONField(
        _("行为锚定"), default=dict, blank=True, help_text=_("分值 → 该等级的行为描述")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    # How the current groups were made: engine method, spread, the comparison
    # with random splits, mixing counts; empty until groups exist.
    grouping = models.JSONField(_("分组情况"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["series", "held_on", "pk"]
        verbose_name = _("赋能活动")
        verbose_name_plural = _("赋能活动")
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="activity_scale_ordered"
            ),
            models.CheckConstraint(condition=Q(group_size__gte=2), name="activity_group_size"),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityGroup(models.Model):
    """A group of an activity: its members, its leader and the task it owns (包干)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="groups"
    )
    number = models.PositiveSmallIntegerField(_("组号"))
    leader = models.ForeignKey(
        Secondment,
        verbose_name=_("组长"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    task = models.TextField(_("包干任务"), blank=True)
    outcome = models.TextField(_("任务成果"), blank=True)
    outcome_recorded_at = models.DateTimeField(_("成果记录时间"), null=True, blank=True)

    class Meta:
        ordering = ["activity", "number"]
        verbose_name = _("活动小组")
        verbose_name_plural = _("活动小组")
        constraints = [
            models.UniqueConstraint(fields=["activity", "number"], name="group_number_unique"),
        ]

    def __str__(self) -> str:
        return _("第 %(number)d 组") % {"number": self.number}


class GroupMember(models.Model):
    """One participant in one group; a participant is in one group of an activity."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="group_members"
    )
    group = models.ForeignKey(
        ActivityGroup, verbose_name=_("小组"), on_delete=models.CASCADE, related_name="members"
    )
    secondment = models.ForeignKey(
        Secondment, verbose_name=_("成员"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["group", "pk"]
        verbose_name = _("小组成员")
        verbose_name_plural = _("小组成员")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "secondment"], name="group_member_once_per_activity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.secondment}"


class ActivityScore(models.Model):
    """One assessor's scores of one participant on the activity's abilities."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="scores"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评分人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    secondment = models.ForeignKey(
        Secondment, verbose_name=_("成员"), on_delete=models.PROTECT, related_name="activity_scores"
    )
    scores = models.JSONField(_("评分"), help_text=_("能力代码 → 分值"))
    comment = models.TextField(_("评语"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["activity", "secondment", "assessor"]
        verbose_name = _("活动评分")
        verbose_name_plural = _("活动评分")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "assessor", "secondment"], name="activity_score_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.secondment}"
