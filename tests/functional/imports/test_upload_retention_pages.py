"""The import pages once the upload retention period has deleted the uploaded workbooks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lianbing.accounts.models import AuditEvent
from lianbing.imports import job as lifecycle
from tests import factories
from tests.integration.imports.books import cadre_row, cadres_book
from tests.integration.imports.test_upload_retention import REMOVED, _age, _job

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(user: User) -> User:
    """The staff account, with a program for the uploads to go to."""
    factories.program()
    return user


def test_a_removal_during_someones_upload_is_not_attributed_to_the_uploader(
    media: Path, tmp_path: Path, user: Any, staff: Client
) -> None:
    old = _age(_job(tmp_path, user), 31)
    path = cadres_book(tmp_path / "new.xlsx", [cadre_row(编号="C2", 姓名="金伟")])

    staff.post(
        reverse("imports:import_list"),
        {"file": SimpleUploadedFile("新名册.xlsx", path.read_bytes())},
    )

    event = AuditEvent.objects.get(object_id=str(old.pk), detail__contains=REMOVED)
    uploaded = AuditEvent.objects.get(object_type="people.Cadre", object_repr__contains="金伟")
    assert event.username == ""
    assert uploaded.username == "ganbuke"


def test_the_job_page_says_the_upload_was_deleted_and_keeps_the_counts(
    media: Path, tmp_path: Path, user: Any, staff: Client
) -> None:
    job = _age(_job(tmp_path, user), 31)
    lifecycle.import_uploads_prune()

    page = staff.get(reverse("imports:import_detail", args=[job.pk])).content.decode()

    assert REMOVED in page
    assert '<div class="fs-4 fw-bold" data-testid="cadres-created">1</div>' in page


def test_a_rejected_job_page_still_offers_its_problem_list_after_the_upload_is_deleted(
    media: Path, tmp_path: Path, user: Any, staff: Client
) -> None:
    job = _age(_job(tmp_path, user, 政治能力=130), 31)
    lifecycle.import_uploads_prune()

    page = staff.get(reverse("imports:import_detail", args=[job.pk])).content.decode()
    download = staff.get(reverse("imports:import_problems", args=[job.pk]))

    assert REMOVED in page
    assert 'data-testid="problems-download"' in page
    assert download.status_code == 200


def test_a_recent_job_page_says_nothing_about_deletion(
    media: Path, tmp_path: Path, user: Any, staff: Client
) -> None:
    job = _job(tmp_path, user)

    page = staff.get(reverse("imports:import_detail", args=[job.pk])).content.decode()

    assert 'data-testid="import-done"' in page
    assert REMOVED not in page


def test_the_import_list_marks_the_jobs_whose_upload_was_deleted(
    media: Path, tmp_path: Path, user: Any, staff: Client
) -> None:
    _age(_job(tmp_path, user), 31)
    _job(tmp_path, user)
    lifecycle.import_uploads_prune()

    page = staff.get(reverse("imports:import_list")).content.decode()

    assert page.count('data-testid="upload-removed"') == 1
