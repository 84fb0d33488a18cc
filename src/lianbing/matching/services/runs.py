"""Match runs: record one and queue its computation; cancel it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from lianbing.background.services import job_cancel, job_enqueue
from lianbing.demand.models import Post, Program
from lianbing.engine import pipeline, scoring
from lianbing.people.models import Cadre

from ..models import MIN_PER_POST, MatchRun, Objective
from ..tasks import match_run_task
from .guards import MatchingError, ensure_editable


class MatchRunInputError(MatchingError):
    """The inputs of a new run are incomplete or out of range."""


_WEIGHTS = scoring.Weights()
_SCORE_OPTIONS = scoring.ScoreOptions()


@dataclasses.dataclass(frozen=True)
class RunSettings:
    """The parameters the department sets for a run (defaults: the engine's)."""

    per_post: int = MIN_PER_POST
    max_per_cadre: int | None = pipeline.DEFAULT_MAX_PER_CADRE
    max_per_origin_unit: int | None = None
    min_per_category: Mapping[str, int] = dataclasses.field(default_factory=dict)
    weight_fit: float = _WEIGHTS.fit
    weight_development: float = _WEIGHTS.development
    weight_complement: float = _WEIGHTS.complement
    fit_floor: float = _SCORE_OPTIONS.fit_floor
    preference_bonus: float = _SCORE_OPTIONS.preference_bonus
    objective: str = Objective.TOTAL


def _validated_settings(values: RunSettings) -> dict[str, Any]:
    if values.per_post < MIN_PER_POST:
        raise MatchRunInputError(
            _("每个名额的候选人数不能少于 %(minimum)s（平衡表不低于1:2），请改为 2 或更多。")
            % {"minimum": MIN_PER_POST}
        )
    minimums = {k: int(v) for k, v in values.min_per_category.items() if v}
    if values.objective == Objective.STABLE and (values.max_per_origin_unit or minimums):
        # The engine's stable placement takes pairs in score order and knows no
        # side rule: run under one, it would break a rule the department set.
        raise MatchRunInputError(
            _(
                "“稳定优先”不能同时限制同一派出单位最多选派人数或各类别最少选派人数"
                "（按稳定优先配置时无法遵守这两项限制）。请清空这两项，或改用“总分最优”。"
            )
        )
    try:
        params = pipeline.MatchParams(
            weights=scoring.Weights(
                fit=values.weight_fit,
                development=values.weight_development,
                complement=values.weight_complement,
            ),
            fit_floor=values.fit_floor,
            preference_bonus=values.preference_bonus,
            per_post=values.per_post,
            max_per_cadre=values.max_per_cadre,
            max_per_origin_unit=values.max_per_origin_unit,
            min_per_category=minimums,
            objective=values.objective,
        )
    except ValueError as exc:
        raise MatchRunInputError(
            _("参数有误：%(error)s。请修改后再运行。") % {"error": exc}
        ) from None
    if values.max_per_origin_unit == 0:
        raise MatchRunInputError(_("同一派出单位最多选派人数至少为 1；不限制请留空。"))
    return {
        "per_post": params.per_post,
        "max_per_cadre": params.max_per_cadre,
        "max_per_origin_unit": params.max_per_origin_unit,
        "min_per_category": dict(params.min_per_category),
        "weight_fit": values.weight_fit,
        "weight_development": values.weight_development,
        "weight_complement": values.weight_complement,
        "fit_floor": values.fit_floor,
        "preference_bonus": values.preference_bonus,
        "objective": params.objective,
    }


def match_run_create(
    *,
    program: Program,
    created_by: User,
    cadres: Sequence[Cadre] | None = None,
    posts: Sequence[Post] | None = None,
    run_settings: RunSettings | None = None,
    title: str = "",
    supersedes: MatchRun | None = None,
    supersede_reason: str = "",
) -> MatchRun:
    """Record a new run and queue its computation in the background.

    ``cadres``/``posts`` default to the program's pool and posts; given ones
    must belong to the program. A run may supersede the program's finalised
    run, with a reason. The computation is queued when the run is committed
    (at the end of an outer transaction, if any). Returns the run (already
    computed when the task backend runs tasks immediately and nothing outer
    is open).
    """
    with transaction.atomic():
        run = _match_run_record(
            program=program,
            created_by=created_by,
            cadres=cadres,
            posts=posts,
            run_settings=run_settings or RunSettings(),
            title=title,
            supersedes=supersedes,
            supersede_reason=supersede_reason.strip(),
        )
        job_enqueue(task=match_run_task, job=run)
    run.refresh_from_db()
    return run


def _match_run_record(
    *,
    program: Program,
    created_by: User,
    cadres: Sequence[Cadre] | None,
    posts: Sequence[Post] | None,
    run_settings: RunSettings,
    title: str,
    supersedes: MatchRun | None,
    supersede_reason: str,
) -> MatchRun:
    post_list = list(Post.objects.filter(program=program) if posts is None else posts)
    if not post_list:
        raise MatchRunInputError(
            _("没有选择任何岗位，无法匹配。请至少选择一个岗位，或先为本批次录入岗位。")
        )
    if any(p.program_id != program.pk for p in post_list):
        raise MatchRunInputError(_("所选岗位不全属于本批次，请只选择本批次的岗位。"))
    pool_ids = set(program.cadres.values_list("pk", flat=True))
    cadre_list = list(program.cadres.all() if cadres is None else cadres)
    if not cadre_list:
        raise MatchRunInputError(
            _("没有选择任何干部，无法匹配。请至少选择一名干部，或先把干部加入本批次的干部库。")
        )
    if any(c.pk not in pool_ids for c in cadre_list):
        raise MatchRunInputError(_("所选干部不全在本批次的干部库中，请先把他们加入干部库。"))
    fields = _validated_settings(run_settings)
    if supersedes is not None:
        supersedes = MatchRun.objects.select_for_update().get(pk=supersedes.pk)
        if supersedes.program_id != program.pk or not supersedes.is_finalised:
            raise MatchRunInputError(_("只能取代本批次已定案的方案。"))
        if supersedes.superseded_at is not None:
            raise MatchRunInputError(_("该定案方案已被取代，请选择现行的定案方案。"))
        if not supersede_reason:
            raise MatchRunInputError(_("取代已定案的方案必须写明理由。"))
    elif supersede_reason:
        raise MatchRunInputError(_("没有选择要取代的定案方案，请清空取代理由或选择方案。"))
    run = MatchRun(
        program=program,
        title=title.strip(),
        created_by=created_by,
        supersedes=supersedes,
        supersede_reason=supersede_reason if supersedes else "",
        progress_message=_("排队等待计算"),
        **fields,
    )
    run.full_clean()
    run.save()
    run.cadres.set(cadre_list)
    run.posts.set(post_list)
    return run


class MatchRunCancelError(MatchingError):
    """The run is no longer queued or running."""


@transaction.atomic
def match_run_cancel(*, run: MatchRun) -> MatchRun:
    """Stop a queued run at once, or ask a running one to stop at its next step.

    A run still running past ``settings.LIANBING_STALE_WORK_MINUTES`` has most
    likely lost its worker: it ends at once as failed, saying so (see
    ``lianbing.background.stale``).
    """
    ensure_editable(run)
    if not job_cancel(
        rows=MatchRun.objects.filter(pk=run.pk),
        cancelled_message=_("已取消"),
        cancelling_message=_("正在取消……"),
    ):
        raise MatchRunCancelError(_("该方案已经计算结束，无需取消。"))
    run.refresh_from_db()
    return run
