"""Match runs: their inputs, results, review decisions and exports.

A run keeps what it was computed from (the pool, the posts and every parameter)
in its own fields and in a :class:`RunSnapshot` of the engine's profiles and
score matrices, so the balance table, the explanations and the exports always
describe the run as it was computed, even after a cadre's record changes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianbing.background.models import (
    ACTIVE,
    CANCELLABLE_STATUSES,
    BackgroundWork,
    JobStatus,
    job_constraints,
)
from lianbing.demand.models import Post, Program
from lianbing.engine import pipeline, scoring
from lianbing.people.models import Cadre

#: The article's rule: at least two matched candidates per post (不低于1:2).
MIN_PER_POST = 2


#: What the run's page calls each of its statuses (the values are :class:`JobStatus`'s).
RUN_STATUS_CHOICES = JobStatus.choices_for(CANCELLABLE_STATUSES, running=_("计算中"))

#: The defaults of the engine's scoring, stored with a run unless the department sets others.
_WEIGHTS = scoring.Weights()
_SCORE_OPTIONS = scoring.ScoreOptions()


class Objective(models.TextChoices):
    """What a run maximises (the engine's ``MatchParams.objective``)."""

    TOTAL = "total", _("总分最优")
    STABLE = "stable", _("稳定优先")


class MatchRun(BackgroundWork):
    """One matching of a pool of cadres to posts, with its parameters and outcome."""

    program = models.ForeignKey(
        Program, verbose_name=_("练兵批次"), on_delete=models.PROTECT, related_name="match_runs"
    )
    title = models.CharField(_("方案名称"), max_length=100, blank=True)
    cadres = models.ManyToManyField(Cadre, verbose_name=_("干部"), related_name="match_runs")
    posts = models.ManyToManyField(Post, verbose_name=_("岗位"), related_name="match_runs")

    per_post = models.PositiveSmallIntegerField(
        _("每个名额的候选人数"), default=MIN_PER_POST, validators=[MinValueValidator(MIN_PER_POST)]
    )
    max_per_cadre = models.PositiveSmallIntegerField(
        _("每名干部最多进入几个岗位的候选名单"),
        null=True,
        blank=True,
        default=pipeline.DEFAULT_MAX_PER_CADRE,
        validators=[MinValueValidator(1)],
    )
    max_per_origin_unit = models.PositiveSmallIntegerField(
        _("同一派出单位最多选派人数"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    min_per_category = models.JSONField(_("各类别最少选派人数"), default=dict, blank=True)
    weight_fit = models.FloatField(
        _("专长匹配权重"), default=_WEIGHTS.fit, validators=[MinValueValidator(0)]
    )
    weight_development = models.FloatField(
        _("短板提升权重"), default=_WEIGHTS.development, validators=[MinValueValidator(0)]
    )
    weight_complement = models.FloatField(
        _("岗位互补权重"), default=_WEIGHTS.complement, validators=[MinValueValidator(0)]
    )
    fit_floor = models.FloatField(
        _("专长匹配下限"),
        default=_SCORE_OPTIONS.fit_floor,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    preference_bonus = models.FloatField(
        _("志愿岗位加分"),
        default=_SCORE_OPTIONS.preference_bonus,
        validators=[MinValueValidator(0)],
    )

    objective = models.CharField(
        _("配置目标"), max_length=10, choices=Objective.choices, default=Objective.TOTAL
    )

    status = models.CharField(
        _("状态"), max_length=20, choices=RUN_STATUS_CHOICES, default=JobStatus.QUEUED
    )

    total = models.FloatField(_("总分"), null=True, blank=True)
    greedy_total = models.FloatField(_("逐岗择优（不统筹）总分"), null=True, blank=True)
    optimal = models.BooleanField(_("已证明最优"), default=False)
    solver_status = models.CharField(_("求解状态"), max_length=20, blank=True)
    solver_reason = models.TextField(_("求解说明"), blank=True)
    filled = models.PositiveIntegerField(_("已配置名额"), null=True, blank=True)
    last_moves = models.JSONField(_("最近一次重新优化的变动"), default=list, blank=True)
    #: What the worker found out about the placement it stored (see
    #: :func:`.services.run_analysis.run_analysis`): effective shares, sensitivity,
    #: blocking pairs and both totals. Empty for a run computed before it existed.
    analysis = models.JSONField(_("方案分析"), default=dict, blank=True)
    reoptimised_at = models.DateTimeField(_("最近重新优化时间"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="match_runs",
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始计算时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    finalised_at = models.DateTimeField(_("定案时间"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("定案人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finalised_match_runs",
    )
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("取代的定案方案"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseding_runs",
    )
    supersede_reason = models.TextField(_("取代理由"), blank=True)
    superseded_at = models.DateTimeField(_("被取代时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("匹配方案")
        verbose_name_plural = _("匹配方案")
        constraints = [
            *job_constraints("match_run", RUN_STATUS_CHOICES),
            models.CheckConstraint(
                condition=Q(per_post__gte=MIN_PER_POST), name="match_run_at_least_two_per_post"
            ),
            models.CheckConstraint(
                condition=Q(objective__in=Objective.values), name="match_run_objective_known"
            ),
            models.CheckConstraint(
                condition=Q(max_per_cadre__isnull=True) | Q(max_per_cadre__gte=1),
                name="match_run_max_per_cadre_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_per_origin_unit__isnull=True) | Q(max_per_origin_unit__gte=1),
                name="match_run_max_per_origin_unit_positive",
            ),
            models.CheckConstraint(
                condition=Q(weight_fit__gte=0)
                & Q(weight_development__gte=0)
                & Q(weight_complement__gte=0),
                name="match_run_weights_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(fit_floor__gte=0) & Q(fit_floor__lte=100),
                name="match_run_fit_floor_0_100",
            ),
            models.CheckConstraint(
                condition=Q(finalised_at__isnull=True) | Q(status="done"),
                name="match_run_finalised_only_when_done",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(supersede_reason=""),
                name="match_run_supersedes_with_reason",
            ),
            # One current finalised run per program, whatever races the service.
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(finalised_at__isnull=False, superseded_at__isnull=True),
                name="match_run_one_current_finalised_per_program",
                violation_error_message=_("本批次已有定案方案。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title or _("匹配方案 #%(pk)s") % {"pk": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("matching:run_detail", args=[self.pk])

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None

    @property
    def is_feasible(self) -> bool:
        return self.status == JobStatus.DONE and self.solver_status in ("optimal", "feasible")

    @property
    def gain_over_greedy(self) -> float | None:
        if self.total is None or self.greedy_total is None:
            return None
        return self.total - self.greedy_total


class RunSnapshot(models.Model):
    """What the engine saw and produced, kept to explain, re-optimise and export the run.

    ``inputs``: the pks of the run's cadres and posts in matrix order, their
    engine profiles and the cadres' categories. ``matrices``: the score
    matrices (fit, development, complement, total, forbidden reason) as a
    compressed numpy archive. ``state``: the current placement (post index per
    cadre), the balance-table candidates per post, the shortfall reasons and
    the solver's figures.
    """

    run = models.OneToOneField(
        MatchRun,
        verbose_name=_("匹配方案"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="snapshot",
    )
    inputs = models.JSONField(_("输入"))
    matrices = models.BinaryField(_("得分矩阵"))
    state = models.JSONField(_("结果"))

    class Meta:
        ordering = ["run"]
        verbose_name = _("方案快照")
        verbose_name_plural = _("方案快照")

    def __str__(self) -> str:
        return _("%(run)s 快照") % {"run": self.run}


class _PairScores(models.Model):
    total = models.FloatField(_("综合得分"))
    fit = models.FloatField(_("专长匹配"))
    development = models.FloatField(_("短板提升"))
    complement = models.FloatField(_("岗位互补"))

    class Meta:
        abstract = True


class RunPlacement(_PairScores):
    """A cadre the run places on a post (配置方案)."""

    run = models.ForeignKey(
        MatchRun, verbose_name=_("匹配方案"), on_delete=models.CASCADE, related_name="placements"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="+"
    )
    pinned = models.BooleanField(_("系指定配置"), default=False)

    class Meta:
        ordering = ["run", "post", "-total"]
        verbose_name = _("配置")
        verbose_name_plural = _("配置方案")
        constraints = [
            models.UniqueConstraint(fields=["run", "cadre"], name="placement_cadre_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} → {self.post}"


class RunCandidate(_PairScores):
    """A candidate of a post on the run's balance table (干部选配平衡表), ranked."""

    run = models.ForeignKey(
        MatchRun, verbose_name=_("匹配方案"), on_delete=models.CASCADE, related_name="candidates"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="+"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(_("排名"), validators=[MinValueValidator(1)])
    recommended = models.BooleanField(_("推荐人选"), default=False)

    class Meta:
        ordering = ["run", "post", "rank"]
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "post", "cadre"], name="candidate_once_per_post"
            ),
            models.UniqueConstraint(fields=["run", "post", "rank"], name="candidate_rank_unique"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="candidate_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.post} #{self.rank} {self.cadre}"


class DecisionKind(models.TextChoices):
    PIN = "pin", _("指定配置")
    FORBID = "forbid", _("排除配对")
    EXCLUDE = "exclude", _("移出人选")


#: A decision in force that no re-optimisation has used yet, or a withdrawal of a
#: decision a re-optimisation had used, made after that re-optimisation. A
#: decision withdrawn before any re-optimisation used it never shaped the
#: placement, so it needs none.
PENDING_DECISION = Q(withdrawn_at__isnull=True, applied_at__isnull=True) | Q(
    withdrawn_at__isnull=False, applied_at__isnull=False, withdrawal_applied_at__isnull=True
)


class DecisionQuerySet(models.QuerySet["Decision"]):
    """The states of review decisions, so every rule that counts them counts the same."""

    def active(self) -> DecisionQuerySet:
        """Decisions in force: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def pending(self) -> DecisionQuerySet:
        """What the next re-optimisation has to take in (see :attr:`Decision.is_pending`)."""
        return self.filter(PENDING_DECISION)


class Decision(models.Model):
    """A qualitative review decision (定性研究) on a run, with who, when and why.

    A decision is never deleted. It can be withdrawn, with who, when and why;
    a withdrawn decision stays on the record but no rule and no re-optimisation
    looks at it any more, and the same decision can be made again. The
    re-optimisation that first solves without a decision it had used sets
    ``withdrawal_applied_at``.
    """

    run = models.ForeignKey(
        MatchRun, verbose_name=_("匹配方案"), on_delete=models.CASCADE, related_name="decisions"
    )
    kind = models.CharField(_("决定"), max_length=20, choices=DecisionKind.choices)
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(
        Post,
        verbose_name=_("岗位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("理由"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        on_delete=models.PROTECT,
        related_name="match_decisions",
    )
    created_at = models.DateTimeField(_("决定时间"), auto_now_add=True)
    applied_at = models.DateTimeField(_("纳入优化时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="withdrawn_match_decisions",
    )
    withdraw_reason = models.TextField(_("撤销理由"), blank=True)
    withdrawal_applied_at = models.DateTimeField(_("撤销纳入优化时间"), null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["run", "created_at", "id"]
        verbose_name = _("研判决定")
        verbose_name_plural = _("研判决定")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DecisionKind.values), name="decision_kind_known"
            ),
            models.CheckConstraint(
                condition=(Q(kind="exclude") & Q(post__isnull=True))
                | (~Q(kind="exclude") & Q(post__isnull=False)),
                name="decision_post_unless_exclude",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="decision_has_reason"),
            models.CheckConstraint(
                condition=(
                    Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True, withdraw_reason="")
                )
                | (
                    Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False)
                    & ~Q(withdraw_reason="")
                ),
                name="decision_withdrawn_with_who_when_why",
            ),
            models.CheckConstraint(
                condition=Q(withdrawal_applied_at__isnull=True)
                | Q(withdrawn_at__isnull=False, applied_at__isnull=False),
                name="decision_withdrawal_applied_only_when_withdrawn_after_use",
            ),
            models.UniqueConstraint(
                fields=["run", "cadre"],
                condition=Q(kind="pin", withdrawn_at__isnull=True),
                name="decision_one_pin_per_cadre",
            ),
            models.UniqueConstraint(
                fields=["run", "cadre"],
                condition=Q(kind="exclude", withdrawn_at__isnull=True),
                name="decision_one_exclusion_per_cadre",
            ),
            models.UniqueConstraint(
                fields=["run", "cadre", "post"],
                condition=Q(kind="forbid", withdrawn_at__isnull=True),
                name="decision_one_forbid_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.cadre}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_pending(self) -> bool:
        """Whether the next re-optimisation changes anything for it (:data:`PENDING_DECISION`)."""
        if self.withdrawn_at is None:
            return self.applied_at is None
        return self.applied_at is not None and self.withdrawal_applied_at is None


#: An export is never cancelled; once its retention period is over, its workbook is
#: deleted and it is expired (the run can be exported again).
EXPORT_STATUS_CHOICES = JobStatus.choices_for(
    (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE, JobStatus.FAILED, JobStatus.EXPIRED),
    running=_("生成中"),
)


#: Ends the file name of a workbook written once its run was finalised: it has the
#: 练兵安排 sheet, and makes any workbook of the run written before it stale.
FINAL_EXPORT_SUFFIX = "-final.xlsx"


class MatchExport(models.Model):
    """An Excel workbook of a run in the layout of ``lianbing match``, written in the background."""

    run = models.ForeignKey(
        MatchRun, verbose_name=_("匹配方案"), on_delete=models.CASCADE, related_name="exports"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=EXPORT_STATUS_CHOICES, default=JobStatus.QUEUED
    )
    file_name = models.CharField(_("文件"), max_length=200, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导出人"),
        on_delete=models.PROTECT,
        related_name="match_exports",
    )
    created_at = models.DateTimeField(_("导出时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("方案导出")
        verbose_name_plural = _("方案导出")
        constraints = [
            *job_constraints("match_export", EXPORT_STATUS_CHOICES, progress=False),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file_name=""), name="match_export_done_has_file"
            ),
        ]

    def __str__(self) -> str:
        return _("%(run)s 导出 #%(pk)s") % {"run": self.run, "pk": self.pk}

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_final(self) -> bool:
        """Written after the run was finalised (定稿), with its secondments."""
        return self.file_name.endswith(FINAL_EXPORT_SUFFIX)

    @property
    def is_stale(self) -> bool:
        """Written before the run was finalised, which it has been since."""
        return (
            self.status == JobStatus.DONE
            and not self.is_final
            and self.run.finalised_at is not None
        )

    @property
    def download_name(self) -> str:
        """The name the browser saves the workbook as; a finalised run's says 定稿."""
        name = _("干部选配平衡表-方案%(run)s") % {"run": self.run_id}
        return f"{name}-{_('定稿')}.xlsx" if self.is_final else f"{name}.xlsx"

    @property
    def retention_days(self) -> int:
        """How long a finished workbook is kept before it expires (shown beside an expired one)."""
        return int(settings.LIANBING_EXPORT_RETENTION_DAYS)


REOPTIMISATION_STATUS_CHOICES = JobStatus.choices_for(CANCELLABLE_STATUSES, running=_("求解中"))


class Reoptimisation(BackgroundWork):
    """One re-optimisation of a run around its decisions (重新优化), solved in the background.

    Keeps who asked for it and when, and what moved (``moves``, the shape of
    :attr:`MatchRun.last_moves`). The run's placement and balance table change
    only when it is done; while one is queued or running the run takes no new
    decision and cannot be finalised.
    """

    run = models.ForeignKey(
        MatchRun,
        verbose_name=_("匹配方案"),
        on_delete=models.CASCADE,
        related_name="reoptimisations",
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=REOPTIMISATION_STATUS_CHOICES,
        default=JobStatus.QUEUED,
    )
    moves = models.JSONField(_("变动"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="match_reoptimisations",
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始求解时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("重新优化")
        verbose_name_plural = _("重新优化")
        constraints = [
            *job_constraints("reoptimisation", REOPTIMISATION_STATUS_CHOICES),
            models.UniqueConstraint(
                fields=["run"],
                condition=Q(status__in=[status.value for status in ACTIVE]),
                name="reoptimisation_one_active_per_run",
                violation_error_message=_("本方案正在重新优化，请稍候再试。"),
            ),
        ]

    def __str__(self) -> str:
        return _("%(run)s 重新优化 #%(pk)s") % {"run": self.run, "pk": self.pk}


ANALYSIS_STATUS_CHOICES = JobStatus.choices_for(CANCELLABLE_STATUSES, running=_("分析中"))


class RunAnalysisJob(BackgroundWork):
    """The analysis of a run's stored placement (:attr:`MatchRun.analysis`), worked out afterwards.

    Queued in the transaction that stores a placement (a run, a
    re-optimisation): the run is shown at once, and the analysis fills in when
    this job is done. The run's newest job is the one its page follows; an older
    one is cancelled when a newer is queued, and one that finishes after a newer
    was queued keeps nothing. A failed analysis leaves the run as it is.
    """

    run = models.ForeignKey(
        MatchRun,
        verbose_name=_("匹配方案"),
        on_delete=models.CASCADE,
        related_name="analysis_jobs",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ANALYSIS_STATUS_CHOICES, default=JobStatus.QUEUED
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始分析时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("方案分析任务")
        verbose_name_plural = _("方案分析任务")
        constraints = [*job_constraints("run_analysis_job", ANALYSIS_STATUS_CHOICES)]

    def __str__(self) -> str:
        return _("%(run)s 分析 #%(pk)s") % {"run": self.run, "pk": self.pk}
