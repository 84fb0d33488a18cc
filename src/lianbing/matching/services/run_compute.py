"""The worker side of a match run: score, assign, shortlist, store."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from lianbing.background.jobs import Failure, Job
from lianbing.demand.adapters import post_profile
from lianbing.engine import pipeline
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.people.adapters import cadre_profile
from lianbing.people.models import AbilityAssessment

from .. import adapters
from ..models import MatchRun, RunSnapshot
from .analysis_jobs import analysis_enqueue
from .snapshots import store_outcome

logger = logging.getLogger(__name__)


#: Progress shown after each step of the pipeline (its messages, in order).
_STEP_PROGRESS = (20, 40, 55, 70, 85)


def match_run_execute(*, run_id: int) -> str:
    """Compute a queued run: score, assign, shortlist, store. Returns the final status.

    The run is done once its placement and balance table are stored; their
    analysis is queued in the same transaction (:mod:`.analysis_jobs`).

    Called by the background task. Progress is written to the run row between
    steps (outside any transaction, so the page's polling sees it), and a
    cancel request is honoured at every step. Every write is conditional on
    the run still running (:class:`Job`): a run stopped meanwhile as stale
    (see :func:`.runs.match_run_cancel`) keeps its status, and its result is
    discarded.
    """
    job = Job(MatchRun, run_id)
    if not job.claim(progress=5, message=_("读取干部与岗位")):
        return job.status()
    run = MatchRun.objects.get(pk=run_id)
    steps = iter(_STEP_PROGRESS)

    def report(message: str) -> None:
        job.report(next(steps, 90), message)

    with job.working(cancelled_message=_("已取消"), failure=_failure(run_id)):
        cadre_pks, post_pks, cadres, posts = _run_inputs(run)
        report(_("读取完成"))
        params = adapters.match_params(run)
        result = pipeline.run(cadres, posts, params, progress=report)
        report(_("保存结果"))
        inputs = adapters.profiles_to_json(cadre_pks, post_pks, cadres, posts, result.categories)
        with transaction.atomic():
            # Claimed first, so that the row stays locked until the result is in.
            job.finish(message=_("计算完成"))
            run.refresh_from_db()
            RunSnapshot.objects.update_or_create(
                run=run,
                defaults={
                    "inputs": inputs,
                    "matrices": b"",
                    "state": adapters.state_to_json(result),
                },
            )
            store_matrices(run.pk, adapters.matrices_to_bytes(result.scores))
            store_outcome(run, cadre_pks, post_pks, result, pinned=set())
            run.save()
            # The analysis (most of a large run's time) follows as a job of its own.
            analysis_enqueue(run)
    return job.status()


def _failure(run_id: int) -> Callable[[Exception], Failure]:
    def failure(exc: Exception) -> Failure:
        logger.exception("match run %s failed", run_id)
        message = (
            str(exc)
            if isinstance(exc, ValueError)
            else _("计算出错（%(error)s）") % {"error": type(exc).__name__}
        )
        return Failure(
            error=_("%(message)s。请检查干部和岗位数据后新建方案重试；仍失败请联系系统管理员。")
            % {"message": message},
            message=_("计算失败"),
        )

    return failure


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


def store_matrices(run_pk: int, archive: memoryview | bytes) -> None:
    """Write a run's score archive (140 MB at province scale) into its snapshot row.

    Django's PostgreSQL cursors bind parameters on the client, which writes a
    ``bytea`` into the statement as hex text: twice the archive's size, then
    encoded again, over a gigabyte of the worker's memory at province scale.
    On PostgreSQL the archive goes as a binary parameter of a server-bound
    statement on the same connection (so in the same transaction).
    """
    table = RunSnapshot._meta.db_table
    if connection.vendor != "postgresql":
        RunSnapshot.objects.filter(run_id=run_pk).update(matrices=archive)
        return
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            f"UPDATE {table} SET matrices = %b WHERE run_id = %s",
            [archive, run_pk],
        )
