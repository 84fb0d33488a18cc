"""Re-optimising a run around its decisions: request one, cancel one."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from lianbing.background.models import ACTIVE
from lianbing.background.services import job_cancel, job_enqueue

from ..models import MatchRun, Reoptimisation, RunSnapshot
from ..tasks import match_reoptimise_task
from .analysis_jobs import analysis_resume, analysis_stop
from .guards import MatchingError, ensure_not_reoptimising, ensure_reviewable


class ReoptimisationCancelError(MatchingError):
    """The re-optimisation has already ended."""


def match_run_reoptimise_request(*, run: MatchRun, requested_by: User) -> Reoptimisation:
    """Record who asks to re-optimise the run around its decisions and queue the solve.

    Refused: a finalised or unfinished run, and a run already being
    re-optimised. The analysis of the current placement, if still being
    worked out, is stopped: the placement is about to change, and the worker
    takes the re-optimisation up sooner (it runs again if the re-optimisation
    stores nothing). Returns the re-optimisation (already finished when the task
    backend runs tasks immediately and no outer transaction is open);
    :func:`.reoptimise_solve.match_reoptimise_execute` does the work, queued on commit.
    """
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        ensure_reviewable(run)
        ensure_not_reoptimising(
            run, _("本方案正在重新优化，请稍候再试；可在平衡表上查看进度或取消。")
        )
        if not RunSnapshot.objects.filter(run=run).exists():
            raise MatchingError(_("该方案还没有计算结果，请等待计算完成。"))
        reoptimisation = Reoptimisation(
            run=run, requested_by=requested_by, progress_message=_("排队等待重新优化")
        )
        reoptimisation.full_clean()
        reoptimisation.save()
        analysis_stop(run)
        job_enqueue(task=match_reoptimise_task, job=reoptimisation)
    reoptimisation.refresh_from_db()
    return reoptimisation


@transaction.atomic
def match_reoptimise_cancel(*, reoptimisation: Reoptimisation) -> Reoptimisation:
    """Cancel a queued re-optimisation at once, or discard a running one's result when its solve returns.

    Either way the run's placement and balance table stay as they were. One
    still running past ``settings.LIANBING_STALE_WORK_MINUTES`` has most likely
    lost its worker: it ends at once as failed, saying so, and the run takes
    decisions and can be finalised again (see ``lianbing.background.stale``).
    """
    if not job_cancel(
        rows=Reoptimisation.objects.filter(pk=reoptimisation.pk),
        cancelled_message=_("已取消，配置方案未改变"),
        cancelling_message=_("正在取消：求解结束后将丢弃本次结果，配置方案不变"),
    ):
        raise ReoptimisationCancelError(_("这次重新优化已经结束，无需取消。"))
    reoptimisation.refresh_from_db()
    if reoptimisation.status not in ACTIVE:
        # Ended at once, storing nothing: the analysis it stopped runs again.
        analysis_resume(reoptimisation.run_id)
    return reoptimisation
