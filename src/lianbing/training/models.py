"""The training period (练兵): secondments, mentor pairing, plans, milestones, logs and assessments.

A secondment places a cadre on a post with a mentor. The mentor drafts a training
plan (练兵计划); the department approves it or returns it with a reason; an
approved plan changes only by a new version. The trainee files work logs and
milestone updates; the mentor comments and records a monthly assessment.
Lateness and "no log for N days" are read from :mod:`lianbing.training.clock`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianbing.demand.models import Post, Program
from lianbing.engine import taxonomy
from lianbing.people.models import Cadre, Mentor

ABILITY_CHOICES = taxonomy.choices(taxonomy.ABILITIES)


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
    # Pairing (导师结对): a proposal writes ``mentor`` and its score; nothing is
    # final until the department confirms, with a reason when it departs from
    # the proposal.
    proposed_mentor = models.ForeignKey(
        Mentor,
        verbose_name=_("建议导师"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposed_secondments",
    )
    proposal_score = models.FloatField(_("建议得分"), null=True, blank=True)
    proposal_reasons = models.JSONField(_("建议理由"), default=list, blank=True)
    mentor_confirmed_at = models.DateTimeField(_("导师确认时间"), null=True, blank=True)
    mentor_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导师确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    mentor_reason = models.TextField(_("导师调整理由"), blank=True)
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
            models.CheckConstraint(
                condition=Q(mentor_confirmed_at__isnull=True) | Q(mentor__isnull=False),
                name="secondment_confirmed_mentor_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} → {self.post.name}"

    @property
    def mentor_confirmed(self) -> bool:
        return self.mentor_confirmed_at is not None


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批准")
    SUPERSEDED = "superseded", _("已被新版本取代")


class TrainingPlan(models.Model):
    """One version of a secondment's training plan (练兵计划).

    Versions are numbered from 1 and never deleted. Only a draft is edited in
    place; a submitted version is frozen. Returning keeps the version with the
    reason; the mentor revises into a new draft. Approving a version supersedes
    the previously approved one, which stays readable beside it.
    """

    secondment = models.ForeignKey(
        Secondment, verbose_name=_("练兵安排"), on_delete=models.PROTECT, related_name="plans"
    )
    version = models.PositiveSmallIntegerField(_("版本"))
    status = models.CharField(
        _("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    duties = models.TextField(_("岗位职责"), blank=True)
    summary = models.TextField(_("练兵目标概述"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_reason = models.TextField(_("退回理由"), blank=True)

    class Meta:
        ordering = ["secondment", "version"]
        verbose_name = _("练兵计划")
        verbose_name_plural = _("练兵计划")
        constraints = [
            models.UniqueConstraint(fields=["secondment", "version"], name="plan_version_unique"),
            models.UniqueConstraint(
                fields=["secondment"],
                condition=Q(status="approved"),
                name="plan_one_approved_per_secondment",
            ),
            models.UniqueConstraint(
                fields=["secondment"],
                condition=Q(status__in=["draft", "submitted"]),
                name="plan_one_open_version_per_secondment",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="plan_returned_with_reason",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="plan_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.secondment} 练兵计划 第{self.version}版"


class PlanGoal(models.Model):
    """A goal of a plan, tied to one of the seven abilities and/or a key task of the post."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("练兵计划"), on_delete=models.CASCADE, related_name="goals"
    )
    ability = models.CharField(_("能力"), max_length=32, choices=ABILITY_CHOICES, blank=True)
    key_task = models.CharField(_("对应重点任务"), max_length=200, blank=True)
    goal = models.TextField(_("目标"))
    measure = models.CharField(_("衡量标准"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("练兵目标")
        verbose_name_plural = _("练兵目标")
        constraints = [
            models.CheckConstraint(
                condition=~Q(ability="") | ~Q(key_task=""), name="goal_tied_to_ability_or_task"
            ),
        ]

    def __str__(self) -> str:
        return self.goal[:30]


class Milestone(models.Model):
    """A monthly milestone of a plan: on track, late (past due, not done) or done."""

    plan = models.ForeignKey(
        TrainingPlan,
        verbose_name=_("练兵计划"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    due_on = models.DateField(_("完成时限"))
    title = models.CharField(_("节点"), max_length=200)
    detail = models.TextField(_("内容"), blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        ordering = ["plan", "due_on", "position", "pk"]
        verbose_name = _("练兵节点")
        verbose_name_plural = _("练兵节点")

    def __str__(self) -> str:
        return f"{self.due_on:%Y-%m} {self.title}"


class PlanComment(models.Model):
    """A comment on a plan version (the trainee's remarks, the mentor's replies)."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("练兵计划"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作者"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "created_at", "pk"]
        verbose_name = _("计划意见")
        verbose_name_plural = _("计划意见")

    def __str__(self) -> str:
        return self.text[:30]


class MilestoneUpdate(models.Model):
    """The trainee's progress note on a milestone; ``done`` marks it done on that day."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("练兵节点"), on_delete=models.CASCADE, related_name="updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    on = models.DateField(_("日期"))
    note = models.TextField(_("进展"))
    done = models.BooleanField(_("已完成"), default=False)
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        ordering = ["milestone", "on", "pk"]
        verbose_name = _("节点进展")
        verbose_name_plural = _("节点进展")

    def __str__(self) -> str:
        return self.note[:30]


class WorkLog(models.Model):
    """A work log (练兵日志): the date, what was done and the results with numbers."""

    secondment = models.ForeignKey(
        Secondment, verbose_name=_("练兵安排"), on_delete=models.PROTECT, related_name="logs"
    )
    on = models.DateField(_("日期"))
    work = models.TextField(_("工作内容"))
    results = models.TextField(_("工作成效"), help_text=_("尽量用数字说明，如走访农户 23 户"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        ordering = ["secondment", "-on", "-pk"]
        verbose_name = _("练兵日志")
        verbose_name_plural = _("练兵日志")

    def __str__(self) -> str:
        return f"{self.on} {self.work[:20]}"


class LogAttachment(models.Model):
    """A file attached to a log, stored under MEDIA_ROOT (outside the web root).

    It is served only by a view that checks the reader may see the log.
    """

    log = models.ForeignKey(
        WorkLog, verbose_name=_("练兵日志"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to="training/logs/%Y/%m/")
    name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["log", "pk"]
        verbose_name = _("日志附件")
        verbose_name_plural = _("日志附件")

    def __str__(self) -> str:
        return self.name


class LogComment(models.Model):
    """The mentor's (or the department's) comment on a log."""

    log = models.ForeignKey(
        WorkLog, verbose_name=_("练兵日志"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("点评人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("点评"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["log", "created_at", "pk"]
        verbose_name = _("日志点评")
        verbose_name_plural = _("日志点评")

    def __str__(self) -> str:
        return self.text[:30]


class MonthlyAssessment(models.Model):
    """The mentor's monthly assessment: the seven abilities on the program's scale and a sentence."""

    secondment = models.ForeignKey(
        Secondment, verbose_name=_("练兵安排"), on_delete=models.PROTECT, related_name="assessments"
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    scores = models.JSONField(_("能力评分"), help_text=_("能力代码 → 分值"))
    remark = models.CharField(_("评语"), max_length=300)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        ordering = ["secondment", "month"]
        verbose_name = _("月度评价")
        verbose_name_plural = _("月度评价")
        constraints = [
            models.UniqueConstraint(
                fields=["secondment", "month"], name="assessment_one_per_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="assessment_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.secondment} {self.month:%Y-%m}"


class ReminderSent(models.Model):
    """A reminder mailed for one item to one account: the key makes it never go twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("事项"), max_length=200)
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已发提醒")
        verbose_name_plural = _("已发提醒")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="reminder_once_per_item"),
        ]

    def __str__(self) -> str:
        return self.key
