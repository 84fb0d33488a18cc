"""Exported run workbooks are deleted after the export retention period (个人信息保护法)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from lianbing.background.models import JobStatus
from lianbing.matching.models import MatchExport, MatchRun
from lianbing.matching.services.export_files import export_directory, match_exports_prune
from lianbing.matching.services.exports import match_export_create
from tests import factories
from tests.functional.accounts.test_deploy_and_backup import PROD_ENV, _manage

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def run(user: User) -> MatchRun:
    return factories.match_run(user, cadres=4)


def _export(run: MatchRun, user: Any) -> MatchExport:
    """A workbook written now (each export also prunes the expired ones)."""
    export = match_export_create(run=run, created_by=user)
    assert export.status == JobStatus.DONE
    return export


def _age(export: MatchExport, days: float) -> MatchExport:
    """The export as if it had finished ``days`` ago."""
    MatchExport.objects.filter(pk=export.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=days)
    )
    export.refresh_from_db()
    return export


def _path(export: MatchExport) -> Path:
    return export_directory() / export.file_name


def test_a_done_export_older_than_seven_days_loses_its_file_and_expires(
    media: Path, run: MatchRun, user: Any
) -> None:
    old, recent = _export(run, user), _export(run, user)
    _age(old, 8)
    _age(recent, 6)
    assert _path(old).is_file()

    pruned = match_exports_prune()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert pruned == 1
    assert old.status == JobStatus.EXPIRED
    assert not _path(old).exists()
    assert recent.status == JobStatus.DONE
    assert _path(recent).is_file()
    assert _path(old).parent == media / "exports"


def test_the_retention_is_counted_from_the_finish_in_days_of_the_setting(
    media: Path, run: MatchRun, user: Any, settings: Any
) -> None:
    settings.LIANBING_EXPORT_RETENTION_DAYS = 2
    export = _export(run, user)
    finished = export.finished_at
    assert finished is not None

    kept = match_exports_prune(now=finished + 2 * DAY - datetime.timedelta(minutes=1))
    pruned = match_exports_prune(now=finished + 2 * DAY + datetime.timedelta(minutes=1))

    export.refresh_from_db()
    assert (kept, pruned) == (0, 1)
    assert export.status == JobStatus.EXPIRED


def test_queued_and_running_exports_are_never_touched_whatever_their_age(
    media: Path, run: MatchRun, user: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    queued = match_export_create(run=run, created_by=user)
    running = match_export_create(run=run, created_by=user)
    long_ago = timezone.now() - 365 * DAY
    MatchExport.objects.filter(pk=queued.pk).update(created_at=long_ago)
    MatchExport.objects.filter(pk=running.pk).update(status=JobStatus.RUNNING, created_at=long_ago)

    pruned = match_exports_prune(now=timezone.now() + 365 * DAY)

    assert pruned == 0
    statuses = dict(MatchExport.objects.values_list("pk", "status"))
    assert statuses == {queued.pk: JobStatus.QUEUED, running.pk: JobStatus.RUNNING}


def test_an_old_export_whose_file_is_already_gone_still_expires(
    media: Path, run: MatchRun, user: Any
) -> None:
    export = _age(_export(run, user), 30)
    _path(export).unlink()

    pruned = match_exports_prune()

    export.refresh_from_db()
    assert pruned == 1
    assert export.status == JobStatus.EXPIRED


def test_each_new_export_prunes_the_expired_ones(media: Path, run: MatchRun, user: Any) -> None:
    old = _age(_export(run, user), 8)

    new = _export(run, user)

    old.refresh_from_db()
    assert old.status == JobStatus.EXPIRED
    assert not _path(old).exists()
    assert new.status == JobStatus.DONE
    assert _path(new).is_file()


def test_a_file_that_cannot_be_deleted_neither_fails_the_export_nor_expires(
    media: Path, run: MatchRun, user: Any
) -> None:
    stuck = _age(_export(run, user), 8)
    # A directory in the file's place cannot be unlinked.
    _path(stuck).unlink()
    _path(stuck).mkdir()
    (_path(stuck) / "keep").write_text("x", encoding="utf-8")

    new = _export(run, user)

    stuck.refresh_from_db()
    assert new.status == JobStatus.DONE
    assert stuck.status == JobStatus.DONE
    assert _path(stuck).is_dir()


def test_the_prune_files_command_counts_the_expired_exports_in_chinese(
    media: Path, run: MatchRun, user: Any
) -> None:
    first, second, _third = _export(run, user), _export(run, user), _export(run, user)
    _age(first, 10)
    _age(second, 9)
    out = io.StringIO()

    call_command("prune_files", stdout=out)

    assert out.getvalue().strip() == "已删除过期导出文件 2 个，过期上传文件 0 个。"
    assert MatchExport.objects.filter(status=JobStatus.EXPIRED).count() == 2


# --------------------------------------------------------------------- production


def test_production_reads_both_retention_periods_from_the_environment() -> None:
    env = {
        **PROD_ENV,
        "LIANBING_EXPORT_RETENTION_DAYS": "3",
        "LIANBING_UPLOAD_RETENTION_DAYS": "14",
    }
    show = (
        "from django.conf import settings; "
        "print(settings.LIANBING_EXPORT_RETENTION_DAYS, settings.LIANBING_UPLOAD_RETENTION_DAYS)"
    )

    done = _manage("shell", "-v", "0", "-c", show, env=env)
    refused = _manage("check", env={**env, "LIANBING_EXPORT_RETENTION_DAYS": "0"})

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["3", "14"]
    assert refused.returncode != 0
    assert "LIANBING_EXPORT_RETENTION_DAYS 应为正整数" in refused.stderr
