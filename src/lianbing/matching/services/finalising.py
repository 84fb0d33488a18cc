"""Finalising a run: its placements become the program's secondments, and it is locked."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.background.models import JobStatus
from lianbing.demand.models import Program
from lianbing.training import services as training_services

from ..models import MatchRun
from .guards import MatchingError, ensure_not_reoptimising


class FinaliseError(MatchingError):
    """The run cannot be finalised (already finalised, unfinished, pending decisions...)."""


def _concurrent() -> str:
    return _("本批次的另一个方案刚刚定案。请刷新页面，核对当前定案方案后再决定是否取代它。")


def match_run_finalise(*, run: MatchRun, finalised_by: User) -> MatchRun:
    """Confirm the run: create the program's secondments and lock the run.

    A run that supersedes an earlier finalised run marks that run and its
    secondments superseded, with the reason given when the new run was made.
    Two finalisations in one program are serialised by a lock on the program
    row; should one still slip past (the database refuses a second current
    finalised run, or a second active secondment), it is refused in Chinese.
    """
    try:
        return _finalise(run=run, finalised_by=finalised_by)
    except IntegrityError:
        raise FinaliseError(_concurrent()) from None


@transaction.atomic
def _finalise(*, run: MatchRun, finalised_by: User) -> MatchRun:
    # The program row is the one lock every finalisation of the program takes
    # first: the second waits here, then sees the first one's result (PostgreSQL
    # READ COMMITTED; SQLite's IMMEDIATE transactions serialise anyway).
    Program.objects.select_for_update().filter(pk=run.program_id).exists()
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
    if run.status != JobStatus.DONE:
        raise FinaliseError(_("该方案还没有计算完成，不能定案。"))
    ensure_not_reoptimising(
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
    if run.supersedes is not None and run.supersedes.superseded_at is not None:
        raise FinaliseError(_concurrent())
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
