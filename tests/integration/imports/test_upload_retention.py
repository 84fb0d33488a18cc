"""Uploaded import workbooks are deleted after the upload retention period (个人信息保护法)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from lianbing.accounts.models import AuditAction, AuditEvent
from lianbing.background.models import JobStatus
from lianbing.imports import job as worker
from lianbing.imports import submit
from lianbing.imports.models import ImportJob
from lianbing.imports.problems import import_problems_workbook
from lianbing.people.models import Cadre
from tests import factories
from tests.integration.imports.books import cadre_row, cadres_book

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
REMOVED = "上传的文件已按保留期限删除"


@pytest.fixture
def user(user: User) -> User:
    """The staff account, with a program for the uploads to go to."""
    factories.program()
    return user


def _job(tmp_path: Path, user: Any, **row: Any) -> ImportJob:
    """An upload of one cadre row, imported at once (each import also prunes old uploads)."""
    path = cadres_book(tmp_path / f"c{ImportJob.objects.count()}.xlsx", [cadre_row(**row)])
    upload = SimpleUploadedFile("干部名册.xlsx", path.read_bytes())
    return submit.import_job_create(upload=upload, created_by=user)


def _age(job: ImportJob, days: float) -> ImportJob:
    """The job as if it had finished ``days`` ago."""
    ImportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=days)
    )
    job.refresh_from_db()
    return job


def _cancelled(tmp_path: Path, user: Any, settings: Any) -> ImportJob:
    tasks = settings.TASKS
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = _job(tmp_path, user)
    settings.TASKS = tasks
    return submit.import_job_cancel(job=job)


def test_an_imported_upload_older_than_thirty_days_is_deleted_and_the_job_kept(
    media: Path, tmp_path: Path, user: Any
) -> None:
    old, recent = _job(tmp_path, user), _job(tmp_path, user, 编号="C2", 姓名="金伟")
    _age(old, 31)
    _age(recent, 29)
    old_file, recent_file = Path(old.file.path), Path(recent.file.path)
    assert old_file.is_file()
    assert old_file.parent == media / "imports"

    removed = worker.import_uploads_prune()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert removed == 1
    assert not old_file.exists()
    assert old.upload_removed_at is not None
    assert (old.status, old.cadres_created) == (JobStatus.DONE, 1)
    assert recent_file.is_file()
    assert recent.upload_removed_at is None
    assert Cadre.objects.count() == 2


def test_a_rejected_upload_is_deleted_but_its_problems_stay(
    media: Path, tmp_path: Path, user: Any
) -> None:
    job = _age(_job(tmp_path, user, 政治能力=130), 31)
    assert job.status == JobStatus.REJECTED

    removed = worker.import_uploads_prune()

    job.refresh_from_db()
    assert removed == 1
    assert not Path(job.file.path).exists()
    assert [p["column"] for p in job.problems] == ["政治能力"]
    assert import_problems_workbook(job)


def test_a_cancelled_upload_is_deleted_and_a_failed_one_too(
    media: Path, tmp_path: Path, user: Any, settings: Any
) -> None:
    cancelled, failed = _cancelled(tmp_path, user, settings), _job(tmp_path, user)
    ImportJob.objects.filter(pk=failed.pk).update(status=JobStatus.FAILED)
    _age(cancelled, 31)
    _age(failed, 31)

    removed = worker.import_uploads_prune()

    assert removed == 2
    assert not Path(cancelled.file.path).exists()
    assert not Path(failed.file.path).exists()


def test_the_retention_is_counted_from_the_finish_in_days_of_the_setting(
    media: Path, tmp_path: Path, user: Any, settings: Any
) -> None:
    settings.LIANBING_UPLOAD_RETENTION_DAYS = 3
    job = _job(tmp_path, user)
    finished = job.finished_at
    assert finished is not None

    kept = worker.import_uploads_prune(now=finished + 3 * DAY - datetime.timedelta(minutes=1))
    removed = worker.import_uploads_prune(now=finished + 3 * DAY + datetime.timedelta(minutes=1))
    again = worker.import_uploads_prune(now=finished + 300 * DAY)

    job.refresh_from_db()
    assert (kept, removed, again) == (0, 1, 0)
    assert job.upload_removed_at == finished + 3 * DAY + datetime.timedelta(minutes=1)


def test_queued_and_running_uploads_are_never_touched_whatever_their_age(
    media: Path, tmp_path: Path, user: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    queued, running = _job(tmp_path, user), _job(tmp_path, user)
    long_ago = timezone.now() - 365 * DAY
    ImportJob.objects.filter(pk=queued.pk).update(created_at=long_ago)
    ImportJob.objects.filter(pk=running.pk).update(
        status=JobStatus.RUNNING, created_at=long_ago, started_at=long_ago
    )

    removed = worker.import_uploads_prune(now=timezone.now() + 365 * DAY)

    assert removed == 0
    assert Path(queued.file.path).is_file()
    assert Path(running.file.path).is_file()
    assert not ImportJob.objects.filter(upload_removed_at__isnull=False).exists()


def test_the_database_refuses_a_removed_upload_on_an_unfinished_job(
    media: Path, tmp_path: Path, user: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    queued = _job(tmp_path, user)

    with pytest.raises(IntegrityError), transaction.atomic():
        ImportJob.objects.filter(pk=queued.pk).update(upload_removed_at=timezone.now())


def test_an_old_upload_whose_file_is_already_gone_is_still_recorded(
    media: Path, tmp_path: Path, user: Any
) -> None:
    job = _age(_job(tmp_path, user), 31)
    Path(job.file.path).unlink()

    removed = worker.import_uploads_prune()

    job.refresh_from_db()
    assert removed == 1
    assert job.upload_removed_at is not None


def test_each_import_prunes_the_expired_uploads(media: Path, tmp_path: Path, user: Any) -> None:
    old = _age(_job(tmp_path, user), 31)

    new = _job(tmp_path, user, 编号="C2", 姓名="金伟")

    old.refresh_from_db()
    assert new.status == JobStatus.DONE
    assert Path(new.file.path).is_file()
    assert old.upload_removed_at is not None
    assert not Path(old.file.path).exists()


def test_a_file_that_cannot_be_deleted_neither_fails_the_import_nor_is_recorded(
    media: Path, tmp_path: Path, user: Any
) -> None:
    stuck = _age(_job(tmp_path, user), 31)
    # A directory in the file's place cannot be removed while it holds something.
    Path(stuck.file.path).unlink()
    Path(stuck.file.path).mkdir()
    (Path(stuck.file.path) / "keep").write_text("x", encoding="utf-8")

    new = _job(tmp_path, user, 编号="C2", 姓名="金伟")

    stuck.refresh_from_db()
    assert new.status == JobStatus.DONE
    assert stuck.upload_removed_at is None


def test_each_removal_is_in_the_audit_trail_without_a_user(
    media: Path, tmp_path: Path, user: Any
) -> None:
    job = _age(_job(tmp_path, user), 31)

    worker.import_uploads_prune()

    event = AuditEvent.objects.get(object_type="spreadsheets.ImportJob", detail__contains=REMOVED)
    assert (event.action, event.object_id, event.username) == (AuditAction.UPDATE, str(job.pk), "")
    assert "保留 30 天" in event.detail


def test_the_prune_files_command_counts_the_expired_uploads_in_chinese(
    media: Path, tmp_path: Path, user: Any
) -> None:
    first, second, _third = _job(tmp_path, user), _job(tmp_path, user), _job(tmp_path, user)
    _age(first, 40)
    _age(second, 31)
    out = io.StringIO()

    call_command("prune_files", stdout=out)

    assert out.getvalue().strip() == "已删除过期导出文件 0 个，过期上传文件 2 个。"
    assert ImportJob.objects.filter(upload_removed_at__isnull=False).count() == 2
