"""The worker side of a re-optimisation: solve around the decisions, store what moved."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.background.jobs import Failure, Job
from lianbing.background.models import JobStatus
from lianbing.engine import pipeline, shortlist
from lianbing.engine.profiles import PostProfile

from .. import adapters
from ..models import Decision, MatchRun, Reoptimisation, RunSnapshot
from .analysis_jobs import analysis_enqueue, analysis_resume
from .guards import MatchingError, ensure_reviewable
from .snapshots import decision_mask, load_snapshot, store_outcome

logger = logging.getLogger(__name__)


class ReoptimiseError(MatchingError):
    """No placement satisfies the decisions and the run's rules."""


def _post_label(post: PostProfile) -> str:
    return f"{post.unit}·{post.name}（{post.id}）"


def _result_under_decisions(
    run: MatchRun,
    snap: adapters.Snapshot,
    decisions: Sequence[Decision],
    progress: Callable[[str], None] | None = None,
) -> tuple[pipeline.MatchResult, list[tuple[int, int]]]:
    params = adapters.match_params(run)
    allowed, pins = decision_mask(snap, decisions)
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
    snap = load_snapshot(run)
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
    The analysis of the new placement is queued (:mod:`.analysis_jobs`).
    """
    snap = outcome.snap
    RunSnapshot.objects.filter(run=run).update(
        state=adapters.state_to_json(outcome.result, outcome.pins)
    )
    store_outcome(run, snap.cadre_pks, snap.post_pks, outcome.result, pinned=set(outcome.pins))
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
    # The blocking pairs and the sensitivity describe the new placement: they follow.
    analysis_enqueue(run)


#: Progress shown after each step of the solve (the engine's messages, in order).
_REOPTIMISE_PROGRESS = (30, 60, 80)


def match_reoptimise_execute(*, reoptimisation_id: int) -> str:
    """Solve a queued re-optimisation and store it on its run. Returns the final status.

    Called by the background task. The solve reads the run and its decisions
    and holds no lock; the run's stored outcome changes in one transaction at
    the end, only if the solve succeeded and nobody cancelled: a failure or a
    cancel leaves the placement and balance table as they were. A failure's
    Chinese message is kept in ``error``. Every write is conditional on the
    re-optimisation still running (:class:`Job`): one stopped meanwhile as
    stale (see :func:`.reoptimisation.match_reoptimise_cancel`) keeps its
    status, and its result is discarded.
    """
    job = Job(Reoptimisation, reoptimisation_id)
    if not job.claim(progress=10, message=_("读取研判决定")):
        return job.status()
    reoptimisation = job.rows.select_related("run").get()
    steps = iter(_REOPTIMISE_PROGRESS)

    def report(message: str) -> None:
        job.report(next(steps, 90), message)

    with job.working(
        cancelled_message=_("已取消，求解结果已丢弃，配置方案未改变"),
        failure=_failure(reoptimisation_id),
    ):
        outcome = _reoptimised(reoptimisation.run, progress=report)
        report(_("保存结果"))
        with transaction.atomic():
            # Claimed first (the row stays locked until the result is in): a
            # cancel, or a stop, that arrived during the solve discards its result.
            job.finish(message=_("重新优化完成"), moves=outcome.moves)
            run = MatchRun.objects.select_for_update().get(pk=reoptimisation.run_id)
            ensure_reviewable(run)
            _store_reoptimised(run, outcome)
    if job.status() != JobStatus.DONE:
        # The request stopped the analysis of the placement that stays: it runs again.
        analysis_resume(reoptimisation.run_id)
    return job.status()


def _failure(reoptimisation_id: int) -> Callable[[Exception], Failure]:
    def failure(exc: Exception) -> Failure:
        if isinstance(exc, MatchingError):
            error = str(exc)
        else:
            logger.exception("re-optimisation %s failed", reoptimisation_id)
            error = _(
                "重新优化出错（%(error)s），配置方案未改变。请重试；仍失败请联系系统管理员。"
            ) % {"error": type(exc).__name__}
        return Failure(error=error, message=_("重新优化失败，配置方案未改变"))

    return failure
