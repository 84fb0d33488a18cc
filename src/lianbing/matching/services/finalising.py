"""Finalising a run: its placements become the program's secondments, and it is locked."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.background.models import JobStatus
from lianbing.training import services as training_services

from ..models import MatchRun
from .guards import MatchingError, ensure_not_reoptimising


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
