"""Review decisions and secondments show in the balance table and the run workbook."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from lianbing.matching.models import MatchExport, MatchRun
from tests import factories

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _pin_and_forbid(staff: Client, run: MatchRun) -> tuple[int, int, int]:
    """Pin the first placed cadre to the second's post and forbid the second there."""
    placed = dict(run.placements.values_list("cadre_id", "post_id"))
    (a, _post_a), (b, post_b) = list(placed.items())[:2]
    url = reverse("matching:decision_create", args=[run.pk])
    staff.post(url, {"kind": "pin", "cadre": a, "post": post_b, "reason": "熟悉该镇工作"}, **HTMX)
    staff.post(url, {"kind": "forbid", "cadre": b, "post": post_b, "reason": "需回避"}, **HTMX)
    return a, b, post_b


def _export(staff: Client, run: MatchRun) -> tuple[MatchExport, Any, str]:
    staff.post(reverse("matching:export_create", args=[run.pk]), **HTMX)
    export = run.exports.order_by("-pk").first()
    assert export is not None
    response = staff.get(reverse("matching:export_download", args=[export.pk]))
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    name = unquote(response["Content-Disposition"].split("''")[-1])
    return export, openpyxl.load_workbook(io.BytesIO(content)), name


def _row(page: str, post_code: str) -> str:
    match = re.search(rf'<tr data-post="{post_code}".*?</tr>', page, re.S)
    assert match is not None
    return match.group(0)


def test_the_balance_table_marks_the_pinned_and_the_forbidden_rows(
    staff: Client, run: MatchRun
) -> None:
    a, b, post_b = _pin_and_forbid(staff, run)
    post = run.posts.get(pk=post_b)
    names = dict(run.cadres.values_list("pk", "name"))

    page = staff.get(reverse("matching:balance", args=[run.pk])).content.decode()

    row = _row(page, post.code)
    assert 'data-pinned="1"' in row
    assert 'data-forbidden="1"' in row
    pinned = re.search(r'data-testid="row-pinned".*?</div>', row, re.S)
    forbidden = re.search(r'data-testid="row-forbidden".*?</div>', row, re.S)
    assert pinned is not None
    assert names[a] in pinned.group(0)
    assert forbidden is not None
    assert names[b] in forbidden.group(0)
    others = [r for r in re.findall(r"<tr data-post=.*?</tr>", page, re.S) if r != row]
    assert others
    assert not any("data-pinned" in r or "data-forbidden" in r for r in others)


def test_the_workbook_lists_the_decisions_and_explains_the_pinned_post(
    media: Path, staff: Client, run: MatchRun
) -> None:
    a, _b, post_b = _pin_and_forbid(staff, run)
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)
    cadre, post = run.cadres.get(pk=a), run.posts.get(pk=post_b)

    _export_row, book, _name = _export(staff, run)

    header, *lines = book["研判决定"].iter_rows(values_only=True)
    assert header[:3] == ("决定", "干部编号", "姓名")
    kinds = {(r[0], r[1], r[3], r[6]) for r in lines}
    assert ("指定配置", cadre.code, post.code, "熟悉该镇工作") in kinds
    assert any(r[0] == "排除配对" and r[6] == "需回避" for r in lines)
    header, *rows = book["干部选配平衡表"].iter_rows(values_only=True)
    note = {r[0]: r[header.index("说明")] for r in rows}[post.code]
    assert note is not None
    assert cadre.name in note
    assert "熟悉该镇工作" in note
    assert "练兵安排" not in book.sheetnames  # not finalised yet


def test_the_run_workbook_prints_under_the_program_and_run_title(
    media: Path, staff: Client, run: MatchRun
) -> None:
    _export_row, book, _name = _export(staff, run)

    balance = book["干部选配平衡表"]
    assert balance.oddHeader.center.text == f"{run.program.name} · {run} · 干部选配平衡表"
    assert balance.page_setup.orientation == "landscape"
    assert balance.sheet_properties.pageSetUpPr.fitToPage


def test_after_finalising_the_workbook_has_the_secondments_a_new_name_and_the_old_one_is_stale(
    media: Path, staff: Client, run: MatchRun
) -> None:
    before, _book, before_name = _export(staff, run)
    staff.post(reverse("matching:finalise", args=[run.pk]), {"confirm": "on"})
    run.refresh_from_db()
    assert run.finalised_at is not None

    after, book, after_name = _export(staff, run)

    header, *lines = book["练兵安排"].iter_rows(values_only=True)
    assert header == (
        "干部编号", "姓名", "岗位编号", "岗位名称", "单位", "导师", "开始", "期限（月）"
    )  # fmt: skip
    secondments = run.secondments.select_related("cadre", "post")
    assert {(r[0], r[2]) for r in lines} == {(s.cadre.code, s.post.code) for s in secondments}
    assert all(r[5] and r[6] and r[7] for r in lines)
    assert after_name == f"干部选配平衡表-方案{run.pk}-定稿.xlsx"
    assert before_name == f"干部选配平衡表-方案{run.pk}.xlsx"
    page = staff.get(reverse("matching:exports", args=[run.pk])).content.decode()
    stale = re.findall(r"<li.*?</li>", page, re.S)
    marked = [item for item in stale if 'data-testid="export-stale"' in item]
    assert len(marked) == 1
    assert reverse("matching:export_download", args=[before.pk]) in marked[0]
    assert reverse("matching:export_download", args=[after.pk]) not in marked[0]


@pytest.fixture
def run() -> MatchRun:
    return factories.match_run(factories.staff_user("zuzhibu"), cadres=5, posts=3)
