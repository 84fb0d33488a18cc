"""Writes of match runs: create and compute, review decisions, re-optimise, finalise, export.

Every function refuses bad input with a domain exception carrying a Chinese
message that says what to do next, and then changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.background.services import background_work_cancel
from lianbing.demand.adapters import post_profile
from lianbing.demand.models import Post, Program
from lianbing.engine import pipeline, scoring, shortlist
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.people.adapters import cadre_profile
from lianbing.people.models import AbilityAssessment, Cadre
from lianbing.training import services as training_services
from lianbing.xlsx.match_report import write_match_workbook

from . import adapters
from .models import (
    MIN_PER_POST,
    REOPTIMISATION_ACTIVE,
    Decision,
    DecisionKind,
    ExportStatus,
    MatchExport,
    MatchRun,
    Reoptimisation,
    ReoptimisationStatus,
    RunCandidate,
    RunPlacement,
    RunSnapshot,
    RunStatus,
)

logger = logging.getLogger(__name__)

EXPORT_DIR_NAME = "exports"


class MatchingError(Exception):
    """A request about a match run that cannot be carried out; the message is for the user."""


class MatchRunLockedError(MatchingError):
    """The run is finalised: it is never edited, only superseded by a new run."""


def _ensure_editable(run: MatchRun) -> None:
    if run.is_finalised:
        raise MatchRunLockedError(
            _("该方案已定案，不能再修改。如需调整，请新建匹配方案取代它，并写明取代理由。")
        )


# --------------------------------------------------------------------- create


class MatchRunInputError(MatchingError):
    """The inputs of a new run are incomplete or out of range."""


@dataclasses.dataclass(frozen=True)
class RunSettings:
    """The parameters the department sets for a run (defaults: the engine's)."""

    per_post: int = MIN_PER_POST
    max_per_cadre: int | None = pipeline.DEFAULT_MAX_PER_CADRE
    max_per_origin_unit: int | None = None
    min_per_category: Mapping[str, int] = dataclasses.field(default_factory=dict)
    weight_fit: float = 0.5
    weight_development: float = 0.3
    weight_complement: float = 0.2
    fit_floor: float = 20.0
    preference_bonus: float = 5.0


def _validated_settings(values: RunSettings) -> dict[str, Any]:
    if values.per_post < MIN_PER_POST:
        raise MatchRunInputError(
            _("每个名额的候选人数不能少于 %(minimum)s（平衡表不低于1:2），请改为 2 或更多。")
            % {"minimum": MIN_PER_POST}
        )
    minimums = {k: int(v) for k, v in values.min_per_category.items() if v}
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
    run, with a reason. Returns the run (already computed when the task
    backend runs tasks immediately).
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
    # Enqueued once the run row is committed, so a database worker always finds it.
    from .tasks import match_run_task

    result = match_run_task.enqueue(run.pk)
    MatchRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
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


# --------------------------------------------------------------------- compute


class _Cancelled(Exception):
    pass


#: Progress shown after each step of the pipeline (its messages, in order).
_STEP_PROGRESS = (20, 60, 80)


def match_run_execute(*, run_id: int) -> str:
    """Compute a queued run: score, assign, shortlist, store. Returns the final status.

    Called by the background task. Progress is written to the run row between
    steps (outside any transaction, so the page's polling sees it), and a
    cancel request is honoured at every step. Every write is conditional on
    the run still running: a run stopped meanwhile as stale (see
    :func:`match_run_cancel`) keeps its status, and its result is discarded.
    """
    started = MatchRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        progress=5,
        progress_message=_("读取干部与岗位"),
    )
    if not started:
        return MatchRun.objects.filter(pk=run_id).values_list("status", flat=True).first() or ""
    run = MatchRun.objects.get(pk=run_id)
    steps = iter(_STEP_PROGRESS)

    running = MatchRun.objects.filter(pk=run_id, status=RunStatus.RUNNING)

    def report(message: str) -> None:
        if not running.filter(cancel_requested=False).update(
            progress=next(steps, 90), progress_message=message[:200]
        ):
            raise _Cancelled

    try:
        cadre_pks, post_pks, cadres, posts = _run_inputs(run)
        report(_("读取完成"))
        params = adapters.match_params(run)
        result = pipeline.run(cadres, posts, params, progress=report)
        report(_("保存结果"))
        inputs = adapters.profiles_to_json(cadre_pks, post_pks, cadres, posts, result.categories)
        with transaction.atomic():
            # Claimed first, so that the row stays locked until the result is in.
            if not running.filter(cancel_requested=False).update(
                status=RunStatus.DONE,
                progress=100,
                progress_message=_("计算完成"),
                finished_at=timezone.now(),
            ):
                raise _Cancelled
            run.refresh_from_db()
            RunSnapshot.objects.update_or_create(
                run=run,
                defaults={
                    "inputs": inputs,
                    "matrices": adapters.matrices_to_bytes(result.scores),
                    "state": adapters.state_to_json(result),
                },
            )
            _store_outcome(run, cadre_pks, post_pks, result, pinned=set())
            run.save()
    except _Cancelled:
        running.update(
            status=RunStatus.CANCELLED, progress_message=_("已取消"), finished_at=timezone.now()
        )
    except Exception as exc:
        logger.exception("match run %s failed", run_id)
        message = (
            str(exc)
            if isinstance(exc, ValueError)
            else _("计算出错（%(error)s）") % {"error": type(exc).__name__}
        )
        running.update(
            status=RunStatus.FAILED,
            error=_("%(message)s。请检查干部和岗位数据后新建方案重试；仍失败请联系系统管理员。")
            % {"message": message},
            progress_message=_("计算失败"),
            finished_at=timezone.now(),
        )
    return MatchRun.objects.filter(pk=run_id).values_list("status", flat=True).first() or ""


def _run_inputs(
    run: MatchRun,
) -> tuple[list[int], list[int], list[CadreProfile], list[PostProfile]]:
    posts = list(
        run.posts.select_related("unit", "mentor")
        .prefetch_related("core_abilities")
        .order_by("code")
    )
    post_codes = {p.pk: p.code for p in posts}
    cadres = list(
        run.cadres.select_related("origin_unit")
        .prefetch_related(
            Prefetch(
                "assessments", queryset=AbilityAssessment.objects.order_by("-assessed_on", "-id")
            ),
            "avoided_units",
            "preferred_posts",
        )
        .order_by("code")
    )
    return (
        [c.pk for c in cadres],
        [p.pk for p in posts],
        [cadre_profile(c, program_post_codes=post_codes) for c in cadres],
        [post_profile(p) for p in posts],
    )


def _store_outcome(
    run: MatchRun,
    cadre_pks: Sequence[int],
    post_pks: Sequence[int],
    result: pipeline.MatchResult,
    *,
    pinned: set[tuple[int, int]],
) -> None:
    """Replace the run's placement and balance-table rows and figures by ``result``'s."""
    m = result.scores
    a = result.assignment
    run.placements.all().delete()
    run.candidates.all().delete()
    RunPlacement.objects.bulk_create(
        RunPlacement(
            run=run,
            cadre_id=cadre_pks[i],
            post_id=post_pks[j],
            pinned=(i, j) in pinned,
            **_pair_scores(m, i, j),
        )
        for i, j in result.placed()
    )
    RunCandidate.objects.bulk_create(
        RunCandidate(
            run=run,
            post_id=post_pks[j],
            cadre_id=cadre_pks[i],
            rank=rank,
            recommended=int(a.post_of[i]) == j,
            **_pair_scores(m, i, j),
        )
        for j, candidates in enumerate(result.shortlist.candidates)
        for rank, i in enumerate(candidates, start=1)
    )
    run.total = float(a.total)
    run.greedy_total = float(a.greedy_total)
    run.optimal = bool(a.optimal)
    run.solver_status = a.status
    run.solver_reason = a.reason
    run.filled = int(a.filled)


def _pair_scores(m: scoring.ScoreMatrix, i: int, j: int) -> dict[str, float]:
    return {
        "total": round(float(m.total[i, j]), 2),
        "fit": round(float(m.fit[i, j]), 2),
        "development": round(float(m.development[i, j]), 2),
        "complement": round(float(m.complement[i, j]), 2),
    }


# --------------------------------------------------------------------- cancel


class MatchRunCancelError(MatchingError):
    """The run is no longer queued or running."""


@transaction.atomic
def match_run_cancel(*, run: MatchRun) -> MatchRun:
    """Stop a queued run at once, or ask a running one to stop at its next step.

    A run still running past ``settings.LIANBING_STALE_WORK_MINUTES`` has most
    likely lost its worker: it ends at once as failed, saying so (see
    ``lianbing.background.stale``).
    """
    _ensure_editable(run)
    if not background_work_cancel(
        rows=MatchRun.objects.filter(pk=run.pk),
        statuses=(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.CANCELLED, RunStatus.FAILED),
        cancelled_message=_("已取消"),
        cancelling_message=_("正在取消……"),
    ):
        raise MatchRunCancelError(_("该方案已经计算结束，无需取消。"))
    run.refresh_from_db()
    return run


# --------------------------------------------------------------------- decisions


class DecisionError(MatchingError):
    """A review decision that contradicts the rules or the run's other decisions."""


def _load_snapshot(run: MatchRun) -> adapters.Snapshot:
    try:
        row = RunSnapshot.objects.get(run=run)
    except RunSnapshot.DoesNotExist:
        raise MatchingError(_("该方案还没有计算结果，请等待计算完成。")) from None
    return adapters.snapshot_from_row(row.inputs, row.matrices, row.state)


def _ensure_reviewable(run: MatchRun) -> None:
    _ensure_editable(run)
    if run.status != RunStatus.DONE:
        raise MatchingError(_("该方案还没有计算完成，不能研判。请等待计算完成或新建方案。"))


def _post_label(post: PostProfile) -> str:
    return f"{post.unit}·{post.name}（{post.id}）"


@transaction.atomic
def decision_record(
    *,
    run: MatchRun,
    kind: str,
    cadre_id: int,
    post_id: int | None,
    reason: str,
    created_by: User,
) -> Decision:
    """Record a pin, a forbidden pair or a cadre taken out of the pool, with its reason.

    Takes effect at the next re-optimisation (:func:`match_run_reoptimise_request`).
    Refused: a finalised or unfinished run, a run being re-optimised, a blank
    reason, a cadre or post outside the run, a pin on a pair the rules or an
    earlier decision forbid, more pins than a post has seats, a second pin for
    a cadre, forbidding a pinned pair, removing a pinned cadre, and repeating a
    decision. Withdrawn decisions count for none of these rules.
    """
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    _ensure_reviewable(run)
    _ensure_not_reoptimising(
        run, _("正在重新优化，请稍候再记录研判决定：重新优化结束后，结果会显示在平衡表上。")
    )
    reason = reason.strip()
    if not reason:
        raise DecisionError(_("请写明理由：每项研判决定都要说明为什么。"))
    if kind not in DecisionKind.values:
        raise DecisionError(_("未知的决定类型。"))
    snap = _load_snapshot(run)
    i = snap.cadre_index(cadre_id)
    if i is None:
        raise DecisionError(_("该干部不在本方案的干部范围内。"))
    cadre = Cadre.objects.get(pk=cadre_id)
    j = None
    post = None
    if kind != DecisionKind.EXCLUDE:
        j = snap.post_index(post_id) if post_id is not None else None
        if j is None:
            raise DecisionError(_("请选择本方案范围内的岗位。"))
        post = Post.objects.get(pk=post_id or 0)
    decisions = list(run.decisions.active().select_related("post", "cadre"))
    excluded = {d.cadre_id for d in decisions if d.kind == DecisionKind.EXCLUDE}
    pins = [d for d in decisions if d.kind == DecisionKind.PIN]
    forbids = {(d.cadre_id, d.post_id) for d in decisions if d.kind == DecisionKind.FORBID}
    name = cadre.name

    if cadre.pk in excluded:
        raise DecisionError(_("干部“%(name)s”已移出人选，不能再对其作其他决定。") % {"name": name})
    if kind == DecisionKind.PIN:
        assert j is not None
        assert post is not None
        code = int(snap.matrix.forbidden_reason[i, j])
        if code != scoring.ALLOWED:
            raise DecisionError(
                _("不能指定“%(name)s”到该岗位：%(reason)s。请另选岗位。")
                % {"name": name, "reason": scoring.FORBIDDEN_REASON_TEXT[code]}
            )
        if (cadre.pk, post.pk) in forbids:
            raise DecisionError(
                _("“%(name)s”与该岗位的配对已被排除，不能再指定。请另选岗位或干部。")
                % {"name": name}
            )
        for d in pins:
            if d.cadre_id == cadre.pk and d.post is not None:
                raise DecisionError(
                    _("“%(name)s”已被指定到“%(post)s”，每人只能指定一个岗位。")
                    % {"name": name, "post": d.post.name}
                )
        on_post = [d.cadre.name for d in pins if d.post_id == post.pk]
        seats = snap.posts[j].seats
        if len(on_post) >= seats:
            raise DecisionError(
                _(
                    "岗位“%(post)s”只有 %(seats)s 个名额，已指定“%(pinned)s”，"
                    "不能再指定。如需换人，请新建方案。"
                )
                % {"post": post.name, "seats": seats, "pinned": "、".join(on_post)}
            )
    elif kind == DecisionKind.FORBID:
        assert post is not None
        if any(d.cadre_id == cadre.pk and d.post_id == post.pk for d in pins):
            raise DecisionError(
                _("“%(name)s”已被指定到该岗位，不能同时排除这一配对。") % {"name": name}
            )
        if (cadre.pk, post.pk) in forbids:
            raise DecisionError(_("这一配对已经排除过了。"))
    elif any(d.cadre_id == cadre.pk for d in pins):
        raise DecisionError(_("“%(name)s”已被指定岗位，不能移出人选。") % {"name": name})

    decision = Decision(
        run=run,
        kind=kind,
        cadre=cadre,
        post=post if kind != DecisionKind.EXCLUDE else None,
        reason=reason,
        created_by=created_by,
    )
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def decision_withdraw(*, decision: Decision, withdrawn_by: User, reason: str) -> Decision:
    """Withdraw a review decision, keeping who, when and why; it is never deleted.

    From then on no rule of :func:`decision_record` and no re-optimisation
    looks at it, so the same decision can be made again. A withdrawn decision
    that a re-optimisation had used is pending until the next re-optimisation
    solves without it (which sets ``withdrawal_applied_at``); one that no
    re-optimisation had used changed nothing and needs none. Refused: a
    finalised or unfinished run, a run being re-optimised, a decision already
    withdrawn, and a blank reason.
    """
    run = MatchRun.objects.select_for_update().get(pk=decision.run_id)
    _ensure_reviewable(run)
    _ensure_not_reoptimising(
        run, _("正在重新优化，请稍候再撤销研判决定：重新优化结束后，结果会显示在平衡表上。")
    )
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("withdrawn_by")
        .get(pk=decision.pk)
    )
    if decision.withdrawn_at is not None:
        who = decision.withdrawn_by
        raise DecisionError(
            _("该研判决定已于 %(when)s 由 %(who)s 撤销，无需再撤销。")
            % {
                "when": timezone.localtime(decision.withdrawn_at).strftime("%Y-%m-%d %H:%M"),
                "who": (who.get_full_name() or who.get_username()) if who else "",
            }
        )
    reason = reason.strip()
    if not reason:
        raise DecisionError(_("请写明撤销的理由：撤销研判决定也要说明为什么。"))
    decision.withdrawn_at = timezone.now()
    decision.withdrawn_by = withdrawn_by
    decision.withdraw_reason = reason
    decision.full_clean()
    decision.save()
    return decision


def _decision_mask(
    snap: adapters.Snapshot, decisions: Sequence[Decision], *, stored_outcome: bool = False
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The allowed mask after the decisions in force, and the pinned (cadre, post) index pairs.

    Withdrawn decisions are skipped, whoever passes them, except with
    ``stored_outcome``: the export rebuilds the mask the run's stored placement
    was solved under, which still honours a withdrawal no re-optimisation has
    taken in yet (see :func:`_decisions_in_stored_outcome`).
    """
    allowed = snap.matrix.allowed.copy()
    pins: list[tuple[int, int]] = []
    for d in decisions:
        if d.withdrawn_at is not None and not stored_outcome:
            continue
        i = snap.cadre_index(d.cadre_id)
        j = snap.post_index(d.post_id) if d.post_id else None
        if i is None:
            continue
        if d.kind == DecisionKind.EXCLUDE:
            allowed[i, :] = False
        elif d.kind == DecisionKind.FORBID and j is not None:
            allowed[i, j] = False
        elif d.kind == DecisionKind.PIN and j is not None:
            pins.append((i, j))
    return allowed, pins


class ReoptimiseError(MatchingError):
    """No placement satisfies the decisions and the run's rules."""


class ReoptimisationBusyError(MatchingError):
    """The run is being re-optimised: it takes no other change until that ends."""


class ReoptimisationCancelError(MatchingError):
    """The re-optimisation has already ended."""


def _active_reoptimisation(run: MatchRun) -> Reoptimisation | None:
    return Reoptimisation.objects.filter(run=run, status__in=REOPTIMISATION_ACTIVE).first()


def _ensure_not_reoptimising(run: MatchRun, message: str) -> None:
    if _active_reoptimisation(run) is not None:
        raise ReoptimisationBusyError(message)


def _result_under_decisions(
    run: MatchRun,
    snap: adapters.Snapshot,
    decisions: Sequence[Decision],
    progress: Callable[[str], None] | None = None,
) -> tuple[pipeline.MatchResult, list[tuple[int, int]]]:
    params = adapters.match_params(run)
    allowed, pins = _decision_mask(snap, decisions)
    try:
        result = pipeline.place(
            snap.cadres,
            snap.posts,
            snap.matrix,
            snap.categories,
            params,
            allowed=allowed,
            pinned=pins,
            progress=progress or (lambda _: None),
        )
    except shortlist.ShortlistInputError as exc:
        raise ReoptimiseError(_("无法生成平衡表：%(error)s") % {"error": exc}) from None
    if result.assignment.status not in ("optimal", "feasible"):
        raise ReoptimiseError(
            _("按现有研判决定找不到可行的配置方案：%(reason)s。请调整决定（新建方案）或放宽规则。")
            % {"reason": result.assignment.reason or _("约束相互矛盾")}
        )
    return result, pins


@dataclasses.dataclass(frozen=True)
class _Reoptimised:
    """A solve around the decisions, not yet stored."""

    snap: adapters.Snapshot
    result: pipeline.MatchResult
    pins: list[tuple[int, int]]
    decision_ids: list[int]
    withdrawal_ids: list[int]
    moves: list[dict[str, str]]


def _reoptimised(run: MatchRun, progress: Callable[[str], None] | None = None) -> _Reoptimised:
    """Solve the run again around its decisions in force and work out what moved; writes nothing.

    Also notes the withdrawals it takes in: decisions that an earlier
    re-optimisation used and that have been withdrawn since. Each move names
    the cadre, the post before and the post after ("" = not placed). The
    scores are not recomputed: decisions change what is allowed, not how well
    a cadre fits a post.
    """
    snap = _load_snapshot(run)
    decisions = list(run.decisions.all())
    # The mask leaves the withdrawn ones out.
    result, pins = _result_under_decisions(run, snap, decisions, progress)
    before = snap.state["post_of"]
    after = [int(x) for x in result.assignment.post_of]
    moves = [
        {
            "cadre": f"{snap.cadres[i].name}（{snap.cadres[i].id}）",
            "from": _post_label(snap.posts[old]) if old >= 0 else "",
            "to": _post_label(snap.posts[new]) if new >= 0 else "",
        }
        for i, (old, new) in enumerate(zip(before, after, strict=True))
        if old != new
    ]
    return _Reoptimised(
        snap=snap,
        result=result,
        pins=pins,
        decision_ids=[d.pk for d in decisions if d.withdrawn_at is None],
        withdrawal_ids=[d.pk for d in decisions if d.withdrawn_at is not None and d.is_pending],
        moves=moves,
    )


def _store_reoptimised(run: MatchRun, outcome: _Reoptimised) -> None:
    """Replace the run's placement and balance table by the solve's.

    The decisions it used are applied, and so are the withdrawals it took in.
    """
    snap = outcome.snap
    RunSnapshot.objects.filter(run=run).update(
        state=adapters.state_to_json(outcome.result, outcome.pins)
    )
    _store_outcome(run, snap.cadre_pks, snap.post_pks, outcome.result, pinned=set(outcome.pins))
    now = timezone.now()
    run.last_moves = outcome.moves
    run.reoptimised_at = now
    run.full_clean()
    run.save()
    run.decisions.filter(pk__in=outcome.decision_ids, applied_at__isnull=True).update(
        applied_at=now
    )
    run.decisions.filter(pk__in=outcome.withdrawal_ids, withdrawal_applied_at__isnull=True).update(
        withdrawal_applied_at=now
    )


def match_run_reoptimise_request(*, run: MatchRun, requested_by: User) -> Reoptimisation:
    """Record who asks to re-optimise the run around its decisions and queue the solve.

    Refused: a finalised or unfinished run, and a run already being
    re-optimised. Returns the re-optimisation (already finished when the task
    backend runs tasks immediately); :func:`match_reoptimise_execute` does the work.
    """
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        _ensure_reviewable(run)
        _ensure_not_reoptimising(
            run, _("本方案正在重新优化，请稍候再试；可在平衡表上查看进度或取消。")
        )
        if not RunSnapshot.objects.filter(run=run).exists():
            raise MatchingError(_("该方案还没有计算结果，请等待计算完成。"))
        reoptimisation = Reoptimisation(
            run=run, requested_by=requested_by, progress_message=_("排队等待重新优化")
        )
        reoptimisation.full_clean()
        reoptimisation.save()
    # Enqueued once the row is committed, so a database worker always finds it.
    from .tasks import match_reoptimise_task

    result = match_reoptimise_task.enqueue(reoptimisation.pk)
    Reoptimisation.objects.filter(pk=reoptimisation.pk).update(task_id=str(result.id)[:64])
    reoptimisation.refresh_from_db()
    return reoptimisation


#: Progress shown after each step of the solve (the engine's messages, in order).
_REOPTIMISE_PROGRESS = (30, 70)


def match_reoptimise_execute(*, reoptimisation_id: int) -> str:
    """Solve a queued re-optimisation and store it on its run. Returns the final status.

    Called by the background task. The solve reads the run and its decisions
    and holds no lock; the run's stored outcome changes in one transaction at
    the end, only if the solve succeeded and nobody cancelled: a failure or a
    cancel leaves the placement and balance table as they were. A failure's
    Chinese message is kept in ``error``. Every write is conditional on the
    re-optimisation still running: one stopped meanwhile as stale (see
    :func:`match_reoptimise_cancel`) keeps its status, and its result is discarded.
    """
    started = Reoptimisation.objects.filter(
        pk=reoptimisation_id, status=ReoptimisationStatus.QUEUED
    ).update(
        status=ReoptimisationStatus.RUNNING,
        started_at=timezone.now(),
        progress=10,
        progress_message=_("读取研判决定"),
    )
    rows = Reoptimisation.objects.filter(pk=reoptimisation_id)
    if not started:
        return rows.values_list("status", flat=True).first() or ""
    reoptimisation = rows.select_related("run").get()
    steps = iter(_REOPTIMISE_PROGRESS)
    running = rows.filter(status=ReoptimisationStatus.RUNNING)

    def report(message: str) -> None:
        if not running.filter(cancel_requested=False).update(
            progress=next(steps, 90), progress_message=message[:200]
        ):
            raise _Cancelled

    try:
        outcome = _reoptimised(reoptimisation.run, progress=report)
        report(_("保存结果"))
        with transaction.atomic():
            # Claimed first (the row stays locked until the result is in): a
            # cancel, or a stop, that arrived during the solve discards its result.
            if not running.filter(cancel_requested=False).update(
                status=ReoptimisationStatus.DONE,
                moves=outcome.moves,
                progress=100,
                progress_message=_("重新优化完成"),
                finished_at=timezone.now(),
            ):
                raise _Cancelled
            run = MatchRun.objects.select_for_update().get(pk=reoptimisation.run_id)
            _ensure_reviewable(run)
            _store_reoptimised(run, outcome)
    except _Cancelled:
        running.update(
            status=ReoptimisationStatus.CANCELLED,
            progress_message=_("已取消，求解结果已丢弃，配置方案未改变"),
            finished_at=timezone.now(),
        )
    except Exception as exc:
        if isinstance(exc, MatchingError):
            error = str(exc)
        else:
            logger.exception("re-optimisation %s failed", reoptimisation_id)
            error = _(
                "重新优化出错（%(error)s），配置方案未改变。请重试；仍失败请联系系统管理员。"
            ) % {"error": type(exc).__name__}
        running.update(
            status=ReoptimisationStatus.FAILED,
            error=error,
            progress_message=_("重新优化失败，配置方案未改变"),
            finished_at=timezone.now(),
        )
    return rows.values_list("status", flat=True).first() or ""


@transaction.atomic
def match_reoptimise_cancel(*, reoptimisation: Reoptimisation) -> Reoptimisation:
    """Cancel a queued re-optimisation at once, or discard a running one's result when its solve returns.

    Either way the run's placement and balance table stay as they were. One
    still running past ``settings.LIANBING_STALE_WORK_MINUTES`` has most likely
    lost its worker: it ends at once as failed, saying so, and the run takes
    decisions and can be finalised again (see ``lianbing.background.stale``).
    """
    if not background_work_cancel(
        rows=Reoptimisation.objects.filter(pk=reoptimisation.pk),
        statuses=(
            ReoptimisationStatus.QUEUED,
            ReoptimisationStatus.RUNNING,
            ReoptimisationStatus.CANCELLED,
            ReoptimisationStatus.FAILED,
        ),
        cancelled_message=_("已取消，配置方案未改变"),
        cancelling_message=_("正在取消：求解结束后将丢弃本次结果，配置方案不变"),
    ):
        raise ReoptimisationCancelError(_("这次重新优化已经结束，无需取消。"))
    reoptimisation.refresh_from_db()
    return reoptimisation


# --------------------------------------------------------------------- finalise


class FinaliseError(MatchingError):
    """The run cannot be finalised (already finalised, unfinished, pending decisions...)."""


@transaction.atomic
def match_run_finalise(*, run: MatchRun, finalised_by: User) -> MatchRun:
    """Confirm the run: create the program's secondments and lock the run.

    A run that supersedes an earlier finalised run marks that run and its
    secondments superseded, with the reason given when the new run was made.
    """
    run = (
        MatchRun.objects.select_for_update(of=("self",))
        .select_related("program", "supersedes")
        .get(pk=run.pk)
    )
    if run.is_finalised:
        raise FinaliseError(
            _("该方案已于 %(when)s 定案，不能重复定案。")
            % {"when": timezone.localtime(run.finalised_at).strftime("%Y-%m-%d %H:%M")}
        )
    if run.status != RunStatus.DONE:
        raise FinaliseError(_("该方案还没有计算完成，不能定案。"))
    _ensure_not_reoptimising(
        run, _("正在重新优化，请稍候再定案：重新优化结束后，核对平衡表上的变动再定案。")
    )
    if not run.is_feasible:
        raise FinaliseError(_("该方案没有可行的配置结果，不能定案。请调整规则后新建方案。"))
    if run.decisions.pending().exists():
        raise FinaliseError(
            _("还有研判决定（或其撤销）没有纳入优化。请先点击“重新优化”，核对结果后再定案。")
        )
    current = (
        MatchRun.objects.filter(
            program=run.program, finalised_at__isnull=False, superseded_at__isnull=True
        )
        .exclude(pk=run.supersedes_id or 0)
        .first()
    )
    if current is not None:
        raise FinaliseError(
            _("本批次已有定案方案“%(run)s”。如需改用本方案，请新建方案并选择取代它、写明理由。")
            % {"run": current}
        )
    placements = list(run.placements.select_related("cadre", "post__mentor"))
    if not placements:
        raise FinaliseError(_("该方案没有配置任何干部，不能定案。"))
    now = timezone.now()
    if run.supersedes is not None:
        old = run.supersedes
        old.superseded_at = now
        old.save(update_fields=["superseded_at"])
        training_services.secondments_supersede(source_run_id=old.pk, reason=run.supersede_reason)
    for placement in placements:
        training_services.secondment_create(
            cadre=placement.cadre,
            post=placement.post,
            source_run_id=run.pk,
            mentor=placement.post.mentor,
            started_on=run.program.started_on,
            duration_months=placement.post.duration_months,
        )
    run.finalised_at = now
    run.finalised_by = finalised_by
    run.full_clean()
    run.save()
    return run


# --------------------------------------------------------------------- export


class ExportError(MatchingError):
    """The run has nothing to export yet."""


def match_export_create(*, run: MatchRun, created_by: User) -> MatchExport:
    """Queue the Excel workbook of a run (balance table and placement, ``lianbing match`` layout)."""
    with transaction.atomic():
        if run.status != RunStatus.DONE:
            raise ExportError(_("该方案还没有计算完成，暂不能导出。请等待计算完成。"))
        export = MatchExport(run=run, created_by=created_by)
        export.full_clean()
        export.save()
    from .tasks import match_export_task

    match_export_task.enqueue(export.pk)
    export.refresh_from_db()
    return export


def _decisions_in_stored_outcome(run: MatchRun) -> list[Decision]:
    """The decisions the run's stored placement was solved under.

    Those a re-optimisation used, including one withdrawn since whose
    withdrawal no re-optimisation has taken in yet: until then the stored
    placement still honours it, and the export describes the stored placement.
    """
    return list(run.decisions.filter(applied_at__isnull=False, withdrawal_applied_at__isnull=True))


def export_directory() -> Path:
    return Path(settings.MEDIA_ROOT) / EXPORT_DIR_NAME


def match_export_write(*, export_id: int, progress: Callable[[str], None] | None = None) -> str:
    """Write a queued export's workbook; returns the final status."""
    if not MatchExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING
    ):
        return (
            MatchExport.objects.filter(pk=export_id).values_list("status", flat=True).first() or ""
        )
    export = MatchExport.objects.select_related("run").get(pk=export_id)
    run = export.run
    try:
        snap = _load_snapshot(run)
        allowed, _pins = _decision_mask(
            snap, _decisions_in_stored_outcome(run), stored_outcome=True
        )
        result = snap.result(adapters.match_params(run))
        result = dataclasses.replace(
            result, scores=dataclasses.replace(snap.matrix, allowed=allowed)
        )
        name = f"match-run-{run.pk}-export-{export.pk}.xlsx"
        directory = export_directory()
        directory.mkdir(parents=True, exist_ok=True)
        write_match_workbook(result, directory / name, progress=progress or (lambda _: None))
    except Exception as exc:
        logger.exception("export %s failed", export_id)
        MatchExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED,
            error=_("导出失败（%(error)s）。请重试；仍失败请联系系统管理员。")
            % {"error": type(exc).__name__},
            finished_at=timezone.now(),
        )
    else:
        MatchExport.objects.filter(pk=export_id).update(
            status=ExportStatus.DONE, file_name=name, finished_at=timezone.now()
        )
    # Each export also clears the workbooks past their retention period; the
    # prune_files command does the same from cron. Pruning never fails an export.
    try:
        match_exports_prune()
    except Exception:
        logger.exception("pruning expired exports after export %s failed", export_id)
    return MatchExport.objects.filter(pk=export_id).values_list("status", flat=True).first() or ""


def match_exports_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the workbooks of exports finished before ``now`` minus the retention; returns how many.

    Only finished (``done``) exports are touched: their file is deleted (a file
    already gone is fine) and they become ``expired``, so the run page asks for
    a new export instead of offering the download. Queued and running exports
    are never touched, whatever their age. The retention is
    ``settings.LIANBING_EXPORT_RETENTION_DAYS``.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.LIANBING_EXPORT_RETENTION_DAYS)
    old = MatchExport.objects.filter(status=ExportStatus.DONE, finished_at__lt=cutoff)
    directory = export_directory()
    removed: list[int] = []
    for pk, file_name in old.values_list("pk", "file_name"):
        try:
            (directory / file_name).unlink(missing_ok=True)
        except OSError:
            # Left as it is (still downloadable) and tried again next time.
            logger.exception("could not delete expired export %s (%s)", pk, file_name)
            continue
        removed.append(pk)
    if not removed:
        return 0
    return MatchExport.objects.filter(pk__in=removed, status=ExportStatus.DONE).update(
        status=ExportStatus.EXPIRED
    )
