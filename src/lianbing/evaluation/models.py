"""On-site inspection (一线考察), multi-rater evaluation and the growth index (成长指数).

A program holds evaluation rounds (中期考察, 期末考察). Each round has a form
(the seven abilities, 现实表现 and 岗位适应, each on a stated scale with
behavioural anchors) and inspection teams (专项考察组) of mentors, host-unit
cadres and public representatives (群众代表); a team covers a set of
trainees. Declared conflicts keep a rater away from a trainee. Raters with an
account rate on their pages; public representatives rate through a one-time
link whose token is stored only as a hash. One rating per rater and trainee,
enforced by the database. A growth computation stores its method, weights and
every trainee's index with the contributions behind it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianbing.demand.models import Program
from lianbing.training.models import Secondment


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("准备中")
    OPEN = "open", _("评价中")
    CLOSED = "closed", _("已结束")
    RELEASED = "released", _("已发布")


class EvaluationRound(models.Model):
    """One inspection round of a program; trainees see their record once it is released."""

    program = models.ForeignKey(
        Program, verbose_name=_("练兵批次"), on_delete=models.PROTECT, related_name="rounds"
    )
    name = models.CharField(_("考察名称"), max_length=60)
    status = models.CharField(
        _("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    closes_on = models.DateField(_("评价截止日期"))
    token_days = models.PositiveSmallIntegerField(
        _("群众代表链接有效天数"), default=14, help_text=_("一次性评价链接生成后多少天内有效")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    opened_at = models.DateTimeField(_("开始评价时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    released_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["program", "closes_on", "pk"]
        verbose_name = _("考察轮次")
        verbose_name_plural = _("考察轮次")
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="round_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.name}"


class ItemKind(models.TextChoices):
    ABILITY = "ability", _("能力")
    PERFORMANCE = "performance", _("现实表现")
    ADAPTATION = "adaptation", _("岗位适应")


class FormItem(models.Model):
    """One item of a round's form, with its scale and what each level means."""

    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("考察轮次"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField(_("代码"), max_length=32)
    label = models.CharField(_("评价项目"), max_length=40)
    kind = models.CharField(_("类型"), max_length=12, choices=ItemKind.choices)
    scale_min = models.PositiveSmallIntegerField(_("最低分"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("最高分"), default=5)
    anchors = models.JSONField(_("行为锚定"), default=dict, help_text=_("分值 → 该等级的行为描述"))
    position = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        ordering = ["round", "position", "pk"]
        verbose_name = _("评价项目")
        verbose_name_plural = _("评价项目")
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="form_item_code_unique"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="form_item_scale_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class InspectionTeam(models.Model):
    """A 专项考察组 of a round, covering a set of trainees."""

    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("考察轮次"), on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("考察组名称"), max_length=60)
    secondments = models.ManyToManyField(
        Secondment, verbose_name=_("考察对象"), related_name="inspection_teams", blank=True
    )

    class Meta:
        ordering = ["round", "name"]
        verbose_name = _("专项考察组")
        verbose_name_plural = _("专项考察组")
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="team_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class RaterKind(models.TextChoices):
    MENTOR = "mentor", _("练兵导师")
    HOST_CADRE = "host_cadre", _("单位干部")
    PUBLIC = "public", _("群众代表")


class TeamMember(models.Model):
    """A rater of a team. Mentors and host-unit cadres rate with their account;
    public representatives rate through one-time links and need no account."""

    team = models.ForeignKey(
        InspectionTeam, verbose_name=_("考察组"), on_delete=models.CASCADE, related_name="members"
    )
    kind = models.CharField(_("身份"), max_length=12, choices=RaterKind.choices)
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.CharField(_("单位或村社区"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_memberships",
    )

    class Meta:
        ordering = ["team", "kind", "pk"]
        verbose_name = _("考察组成员")
        verbose_name_plural = _("考察组成员")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="public") | Q(user__isnull=False),
                name="member_with_account_unless_public",
            ),
            models.CheckConstraint(
                condition=~Q(kind="public") | Q(user__isnull=True),
                name="public_member_without_account",
            ),
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=Q(user__isnull=False),
                name="member_once_per_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class ConflictKind(models.TextChoices):
    RELATIVE = "relative", _("亲属关系")
    SUBORDINATE = "subordinate", _("直接上下级")
    SAME_OFFICE = "same_office", _("同一科室")


class Conflict(models.Model):
    """A declared conflict of interest: the member never rates this trainee."""

    member = models.ForeignKey(
        TeamMember, verbose_name=_("考察组成员"), on_delete=models.CASCADE, related_name="conflicts"
    )
    secondment = models.ForeignKey(
        Secondment, verbose_name=_("考察对象"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("回避情形"), max_length=12, choices=ConflictKind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        constraints = [
            models.UniqueConstraint(fields=["member", "secondment"], name="conflict_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member} ↔ {self.secondment.cadre.name}"


class RatingToken(models.Model):
    """A one-time link for a public representative to rate one trainee.

    Only the SHA-256 of the token is stored; the token itself is shown once
    (on the printed QR sheet). Using it creates the one rating it allows.
    """

    member = models.ForeignKey(
        TeamMember, verbose_name=_("群众代表"), on_delete=models.CASCADE, related_name="tokens"
    )
    secondment = models.ForeignKey(
        Secondment, verbose_name=_("考察对象"), on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("失效时间"))
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评价链接")
        verbose_name_plural = _("评价链接")
        constraints = [
            models.UniqueConstraint(fields=["member", "secondment"], name="token_once_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.secondment.cadre.name}"


class Rating(models.Model):
    """One rater's rating of one trainee in a round: a score per form item and a comment.

    The database allows one rating per member and trainee, and one per token.
    No IP address or user agent is kept.
    """

    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("考察轮次"),
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    secondment = models.ForeignKey(
        Secondment, verbose_name=_("考察对象"), on_delete=models.PROTECT, related_name="ratings"
    )
    member = models.ForeignKey(
        TeamMember, verbose_name=_("评价人"), on_delete=models.PROTECT, related_name="ratings"
    )
    token = models.OneToOneField(
        RatingToken,
        verbose_name=_("评价链接"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rating",
    )
    scores = models.JSONField(_("评分"), help_text=_("评价项目代码 → 分值"))
    comment = models.TextField(_("评语"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        ordering = ["round", "secondment", "pk"]
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "secondment"], name="rating_once_per_rater_and_trainee"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.secondment.cadre.name}"


class WeightMethod(models.TextChoices):
    AHP = "ahp", _("层次分析法（AHP）")
    ENTROPY = "entropy", _("熵权法")
    EQUAL = "equal", _("等权")


class GrowthComputation(models.Model):
    """One computation of the growth index for a round: method, weights and results kept together."""

    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("考察轮次"),
        on_delete=models.PROTECT,
        related_name="computations",
    )
    method = models.CharField(_("赋权方法"), max_length=10, choices=WeightMethod.choices)
    judgements = models.JSONField(_("两两比较判断"), default=list, blank=True)
    weights = models.JSONField(_("指标权重"), help_text=_("指标代码 → 权重"))
    consistency_ratio = models.FloatField(_("一致性比率 CR"), null=True, blank=True)
    reliability = models.JSONField(_("信度"), default=dict, blank=True)
    rater_flags = models.JSONField(_("可疑评价人"), default=list, blank=True)
    unstable_threshold = models.PositiveSmallIntegerField(_("名次变动阈值"), default=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("计算人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("计算时间"), auto_now_add=True)

    class Meta:
        ordering = ["round", "-created_at", "-pk"]
        verbose_name = _("成长指数计算")
        verbose_name_plural = _("成长指数计算")

    def __str__(self) -> str:
        return f"{self.round} {self.get_method_display()}"


class GrowthScore(models.Model):
    """A trainee's growth index in one computation, with what it is made of."""

    computation = models.ForeignKey(
        GrowthComputation, verbose_name=_("计算"), on_delete=models.CASCADE, related_name="scores"
    )
    secondment = models.ForeignKey(
        Secondment, verbose_name=_("练兵干部"), on_delete=models.PROTECT, related_name="+"
    )
    index = models.FloatField(_("成长指数"))
    rank = models.PositiveIntegerField(_("名次"))
    percentile = models.FloatField(_("百分位"))
    indicators = models.JSONField(_("指标原值"), default=dict)
    contributions = models.JSONField(_("各指标贡献"), default=dict)
    coverage = models.FloatField(_("指标覆盖率"))
    rank_min = models.PositiveIntegerField(_("最好名次"))
    rank_max = models.PositiveIntegerField(_("最差名次"))
    unstable = models.BooleanField(_("名次不稳定"), default=False)
    raters = models.PositiveSmallIntegerField(_("评价人数"), default=0)

    class Meta:
        ordering = ["computation", "rank", "pk"]
        verbose_name = _("成长指数")
        verbose_name_plural = _("成长指数")
        constraints = [
            models.UniqueConstraint(fields=["computation", "secondment"], name="growth_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.secondment.cadre.name} {self.index:.1f}"
