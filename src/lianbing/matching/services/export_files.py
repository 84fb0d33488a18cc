"""The worker side of exports: write a run's workbook; delete those past their retention."""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.accounts.files import private_dir
from lianbing.background.jobs import Failure, Job
from lianbing.background.models import JobStatus
from lianbing.training.models import Secondment
from lianbing.xlsx.match_report import DecisionLine, SecondmentLine, write_match_workbook

from .. import adapters
from ..models import FINAL_EXPORT_SUFFIX, Decision, DecisionKind, MatchExport, MatchRun
from .snapshots import decision_mask, decisions_in_stored_outcome, load_snapshot

logger = logging.getLogger(__name__)


EXPORT_DIR_NAME = "exports"


def export_directory() -> Path:
    return Path(settings.MEDIA_ROOT) / EXPORT_DIR_NAME


def match_export_write(*, export_id: int, progress: Callable[[str], None] | None = None) -> str:
    """Write a queued export's workbook; returns the final status."""
    job = Job(MatchExport, export_id)
    if not job.claim():
        return job.status()
    export = MatchExport.objects.select_related("run__program").get(pk=export_id)
    run = export.run
    with job.working(failure=_failure(export_id)):
        snap = load_snapshot(run)
        allowed, _pins = decision_mask(snap, decisions_in_stored_outcome(run), stored_outcome=True)
        result = snap.result(adapters.match_params(run))
        result = dataclasses.replace(
            result, scores=dataclasses.replace(snap.matrix, allowed=allowed)
        )
        final = run.finalised_at is not None
        name = f"match-run-{run.pk}-export-{export.pk}" + (
            FINAL_EXPORT_SUFFIX if final else ".xlsx"
        )
        # Cadres' data: owner-only whatever the umask, as uploads and backups.
        directory = private_dir(export_directory())
        write_match_workbook(
            result,
            directory / name,
            progress=progress or (lambda _: None),
            private=True,
            decisions=_decision_lines(run),
            secondments=_secondment_lines(run) if final else None,
            post_notes=_pin_notes(run),
            title=f"{run.program.name} · {run}",
        )
        job.finish(file_name=name)
    # Each export also clears the workbooks past their retention period; the
    # prune_files command does the same from cron. Pruning never fails an export.
    try:
        match_exports_prune()
    except Exception:
        logger.exception("pruning expired exports after export %s failed", export_id)
    return job.status()


def _time(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _person(user: object) -> str:
    return str(user.get_full_name() or user.username)  # type: ignore[attr-defined]


def _decisions(run: MatchRun) -> list[Decision]:
    return list(
        run.decisions.select_related("cadre", "post__unit", "created_by", "withdrawn_by").order_by(
            "created_at", "pk"
        )
    )


def _decision_lines(run: MatchRun) -> list[DecisionLine]:
    lines = []
    for d in _decisions(run):
        withdrawn = ""
        if d.withdrawn_at is not None:
            withdrawn = _("%(when)s 由 %(who)s 撤销：%(why)s") % {
                "when": _time(d.withdrawn_at),
                "who": _person(d.withdrawn_by),
                "why": d.withdraw_reason,
            }
        lines.append(
            DecisionLine(
                kind=str(d.get_kind_display()),
                cadre_id=d.cadre.code,
                cadre_name=d.cadre.name,
                post_id=d.post.code if d.post else "",
                post_name=d.post.name if d.post else "",
                unit=d.post.unit.name if d.post else "",
                reason=d.reason,
                decided_by=_person(d.created_by),
                decided_at=_time(d.created_at),
                withdrawn=withdrawn,
            )
        )
    return lines


def _pin_notes(run: MatchRun) -> dict[str, str]:
    """说明 of the posts a pin in force placed someone on: who, and the reason given."""
    notes: dict[str, list[str]] = {}
    for d in _decisions(run):
        if d.kind == DecisionKind.PIN and d.withdrawn_at is None and d.post is not None:
            notes.setdefault(d.post.code, []).append(
                _("研判决定指定%(name)s：%(reason)s") % {"name": d.cadre.name, "reason": d.reason}
            )
    return {code: "；".join(texts) for code, texts in notes.items()}


def _secondment_lines(run: MatchRun) -> list[SecondmentLine]:
    secondments = (
        Secondment.objects.filter(source_run=run, superseded_at__isnull=True)
        .select_related("cadre", "post__unit", "mentor")
        .order_by("post__code", "cadre__code")
    )
    return [
        SecondmentLine(
            cadre_id=s.cadre.code,
            cadre_name=s.cadre.name,
            post_id=s.post.code,
            post_name=s.post.name,
            unit=s.post.unit.name,
            mentor=s.mentor.name if s.mentor else _("待定"),
            started_on=s.started_on,
            duration_months=s.duration_months,
        )
        for s in secondments
    ]


def _failure(export_id: int) -> Callable[[Exception], Failure]:
    def failure(exc: Exception) -> Failure:
        logger.exception("export %s failed", export_id)
        return Failure(
            error=_("导出失败（%(error)s）。请重试；仍失败请联系系统管理员。")
            % {"error": type(exc).__name__}
        )

    return failure


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
    old = MatchExport.objects.filter(status=JobStatus.DONE, finished_at__lt=cutoff)
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
    return MatchExport.objects.filter(pk__in=removed, status=JobStatus.DONE).update(
        status=JobStatus.EXPIRED
    )
