"""A run's analysis as a job of its own: queued when a placement is stored, computed afterwards.

The analysis (:func:`.run_analysis.run_analysis`: up to seventeen re-solves)
is most of a large run's time. A run, or a re-optimisation, is done as soon as
its placement and balance table are stored; the same transaction queues a
:class:`RunAnalysisJob`, which the worker takes up after the work of higher
priority (a re-optimisation asked for meanwhile goes first). The run page shows
"分析中" and fills the analysis in when the job is done; a failed analysis
leaves the run as it was, with a Chinese message.

Only the run's newest job counts: queuing one cancels the older ones, and a
job that finishes after a newer one was queued keeps nothing. A
re-optimisation asks the running analysis to stop (its placement is about to
change); if the re-optimisation then stores nothing, the analysis is queued
again (:func:`analysis_resume`).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from lianbing.background.jobs import Failure, Job, JobCancelled
from lianbing.background.models import ACTIVE, JobStatus
from lianbing.background.services import job_cancel, job_enqueue
from lianbing.engine import pipeline

from .. import adapters
from ..models import MatchRun, RunAnalysisJob
from .run_analysis import run_analysis
from .snapshots import decision_mask, decisions_in_stored_outcome, load_snapshot

logger = logging.getLogger(__name__)


def _superseded() -> str:
    """What a superseded analysis says (the placement it describes has changed)."""
    return _("方案已重新优化，分析将按新的配置方案重新计算")


def analysis_stop(run: MatchRun) -> None:
    """Cancel the run's queued analysis and ask a running one to stop at its next re-solve."""
    for pk in run.analysis_jobs.filter(status__in=ACTIVE).values_list("pk", flat=True):
        job_cancel(
            rows=RunAnalysisJob.objects.filter(pk=pk),
            cancelled_message=_superseded(),
            cancelling_message=_superseded(),
        )


def analysis_enqueue(run: MatchRun) -> RunAnalysisJob:
    """Queue the analysis of the run's stored placement; older analyses of the run are stopped.

    Call it inside the transaction that stores the placement: the job is
    queued when it commits. The run's stored analysis is cleared, since it
    described the placement before.
    """
    # Imported here: the tasks module imports the services that run the jobs.
    from ..tasks import match_analysis_task

    analysis_stop(run)
    MatchRun.objects.filter(pk=run.pk).update(analysis={})
    run.analysis = {}
    job = RunAnalysisJob(run=run, progress_message=_("排队等待分析"))
    job.save()
    job_enqueue(task=match_analysis_task, job=job)
    return job


def analysis_resume(run_id: int) -> None:
    """Queue the run's analysis again when its newest one was stopped and none is stored.

    For a re-optimisation that ended without storing anything (failed or
    cancelled): it had stopped the analysis of the placement that stays.
    """
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        newest = run.analysis_jobs.order_by("-pk").first()
        if newest is not None and newest.status == JobStatus.CANCELLED and not run.analysis:
            analysis_enqueue(run)


def _stored_result(run: MatchRun, snap: adapters.Snapshot) -> pipeline.MatchResult:
    """The run's stored placement as the engine's result, under the mask it was solved with."""
    allowed, _pins = decision_mask(snap, decisions_in_stored_outcome(run), stored_outcome=True)
    result = snap.result(adapters.match_params(run))
    optimum = snap.state.get("optimum_total")
    return dataclasses.replace(
        result,
        scores=dataclasses.replace(snap.matrix, allowed=allowed),
        pinned=tuple((int(i), int(j)) for i, j in snap.state.get("pinned", [])),
        optimum_total=None if optimum is None else float(optimum),
    )


def match_analysis_execute(*, job_id: int) -> str:
    """Analyse the stored placement of the job's run and keep it on the run. Returns the status.

    Called by the background task. Progress is reported before every re-solve,
    and a cancel is honoured there. The analysis is stored only while the job
    is the run's newest (the run locked first, in the order a re-optimisation
    locks them).
    """
    job = Job(RunAnalysisJob, job_id)
    if not job.claim(progress=5, message=_("读取方案结果")):
        return job.status()
    run_id = job.rows.values_list("run_id", flat=True).get()
    solves = itertools.count(1)

    def step() -> None:
        n = next(solves)
        job.report(
            min(5 + 5 * n, 95),
            _("分析：第 %(n)d 次重新求解（权重变动的影响、互为首选的人岗）") % {"n": n},
        )

    with job.working(cancelled_message=_superseded(), failure=_failure(job_id)):
        run = MatchRun.objects.get(pk=run_id)
        snap = load_snapshot(run)
        analysis = run_analysis(_stored_result(run, snap), snap.cadre_pks, snap.post_pks, step)
        with transaction.atomic():
            MatchRun.objects.select_for_update().filter(pk=run_id).values_list("pk").get()
            if run.analysis_jobs.order_by("-pk").values_list("pk", flat=True).first() != job_id:
                raise JobCancelled
            job.finish(message=_("分析完成"))
            MatchRun.objects.filter(pk=run_id).update(analysis=analysis)
    return job.status()


def _failure(job_id: int) -> Callable[[Exception], Failure]:
    def failure(exc: Exception) -> Failure:
        logger.exception("analysis job %s failed", job_id)
        return Failure(
            error=_(
                "方案分析出错（%(error)s），未能给出权重变动的影响和互为首选的人岗。"
                "配置方案和平衡表不受影响，可照常研判、重新优化和定案；"
                "重新优化后会再次分析，仍失败请联系系统管理员。"
            )
            % {"error": type(exc).__name__},
            message=_("分析失败"),
        )

    return failure
