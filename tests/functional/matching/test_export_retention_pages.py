"""The pages of exported run workbooks once the export retention period has deleted them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lianbing.matching.models import MatchRun
from lianbing.matching.services.export_files import match_exports_prune
from tests import factories
from tests.integration.matching.test_export_retention import _age, _export

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(user: User) -> MatchRun:
    return factories.match_run(user, cadres=4)


def test_the_exports_list_shows_an_expired_export_without_a_download_link(
    media: Path, run: MatchRun, user: Any, staff: Client
) -> None:
    expired, kept = _export(run, user), _export(run, user)
    _age(expired, 8)
    match_exports_prune()

    page = staff.get(reverse("matching:exports", args=[run.pk])).content.decode()

    assert "已过期（保留 7 天），请重新导出" in page
    assert reverse("matching:export_download", args=[expired.pk]) not in page
    assert reverse("matching:export_download", args=[kept.pk]) in page


def test_the_run_page_shows_the_expired_export_too(
    media: Path, run: MatchRun, user: Any, staff: Client
) -> None:
    _age(_export(run, user), 8)
    match_exports_prune()

    page = staff.get(reverse("matching:run_detail", args=[run.pk])).content.decode()

    assert 'data-testid="export-expired"' in page
    assert "已过期（保留 7 天），请重新导出" in page


def test_downloading_an_expired_export_is_not_found_and_asks_for_a_new_export(
    media: Path, run: MatchRun, user: Any, staff: Client
) -> None:
    export = _age(_export(run, user), 8)
    match_exports_prune()

    response = staff.get(reverse("matching:export_download", args=[export.pk]))

    assert response.status_code == 404
    assert str(response.context["exception"]) == "文件已不存在，请重新导出"
