"""Imports at scale: a constant number of queries, every problem in one pass, a whole audit trail."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianbing.accounts import audit
from lianbing.accounts.models import AuditAction, AuditEvent
from lianbing.demand.models import Post, PostCoreAbility
from lianbing.imports.read import ImportProblemsError
from lianbing.imports.services import import_workbook
from lianbing.people import services as people_services
from lianbing.people.models import AbilityAssessment, Cadre, Unit
from tests import factories
from tests.integration.imports.books import cadre_row, post_row, workbook

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 1)
UNITS = ("市建设局", "市财政局", "市民政局")


def _book(path: Path, n_cadres: int, *, bad_every: int = 0) -> Path:
    """``n_cadres`` cadres and a tenth as many posts.

    With ``bad_every``, every ``bad_every``-th cadre row has a score out of range
    and the row after it an unknown 回避单位.
    """
    n_posts = max(1, n_cadres // 10)
    posts = [
        post_row(岗位编号=f"P{i}", 单位=("新仓镇", "当湖街道")[i % 2], 核心能力="群众工作能力:3")
        for i in range(n_posts)
    ]
    cadres: list[dict[str, Any]] = []
    for i in range(n_cadres):
        row = cadre_row(
            编号=f"C{i}",
            姓名=f"干部{i}",
            现单位=UNITS[i % len(UNITS)],
            回避单位=UNITS[(i + 1) % len(UNITS)],
            志愿岗位=f"P{i % n_posts}",
        )
        if bad_every and i % bad_every == 0:
            row.update(政治能力=150)
        if bad_every and i % bad_every == 1:
            row.update(回避单位="没有这个单位")
        cadres.append(row)
    return workbook(path, cadres=cadres, posts=posts)


def _queries_of_import(path: Path) -> int:
    with CaptureQueriesContext(connection) as queries:
        import_workbook(path=path, today=TODAY)
    return len(queries)


def test_the_queries_of_an_import_do_not_grow_with_its_rows(tmp_path: Path) -> None:
    for name in UNITS:
        people_services.unit_ensure(name=name, kind="department")
    factories.program()
    small = _book(tmp_path / "small.xlsx", 50)
    large = _book(tmp_path / "large.xlsx", 400)
    first = _queries_of_import(small)
    Cadre.objects.all().delete()
    Post.objects.all().delete()

    second = _queries_of_import(large)

    assert Cadre.objects.count() == 400
    assert Post.objects.count() == 40
    # Eight times the rows: the same statements (a batch holds 500 rows).
    assert second <= first


def test_an_import_with_errors_in_many_rows_lists_them_all_and_writes_nothing(
    tmp_path: Path,
) -> None:
    factories.program()
    for name in UNITS:
        people_services.unit_ensure(name=name, kind="department")
    path = _book(tmp_path / "bad.xlsx", 300, bad_every=3)
    units_before = Unit.objects.count()

    with pytest.raises(ImportProblemsError) as raised:
        import_workbook(path=path, today=TODAY)

    problems = raised.value.problems
    bad_scores = {2 + i for i in range(0, 300, 3)}
    assert {p.row for p in problems if p.column == "政治能力"} == bad_scores
    assert {p.row for p in problems if p.column == "回避单位"} == {r + 1 for r in bad_scores}
    assert all(p.sheet == "干部" for p in problems)
    assert (Cadre.objects.count(), Post.objects.count()) == (0, 0)
    assert Unit.objects.count() == units_before
    assert not AuditEvent.objects.filter(object_type="people.Cadre").exists()


def test_a_bulk_import_keeps_one_chained_audit_line_per_object_written(tmp_path: Path) -> None:
    factories.program()
    user = factories.staff_user()
    path = _book(tmp_path / "book.xlsx", 60)

    with audit.actor_context(user, path="/imports/1/"):
        result = import_workbook(path=path, today=TODAY)

    created = AuditEvent.objects.filter(action=AuditAction.CREATE)
    assert (result.cadres_created, result.posts_created) == (60, 6)
    assert created.filter(object_type="people.Cadre").count() == 60
    assert created.filter(object_type="people.AbilityAssessment").count() == 60
    assert created.filter(object_type="demand.Post").count() == 6
    assert created.filter(object_type="demand.PostCoreAbility").count() == 6
    line = created.get(object_type="people.Cadre", object_repr__contains="干部7（C7）")
    assert line.object_id == str(Cadre.objects.get(code="C7").pk)
    assert (line.username, line.path) == ("ganbuke", "/imports/1/")
    call_command("audit_verify", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_reimport_updates_changed_cadres_in_bulk_and_names_the_changed_fields(
    tmp_path: Path,
) -> None:
    factories.program()
    import_workbook(path=_book(tmp_path / "first.xlsx", 20), today=TODAY)
    rows = [
        cadre_row(
            编号=f"C{i}", 姓名=f"干部{i}", 现单位=UNITS[i % 3], 专业="法学" if i < 5 else None
        )
        for i in range(20)
    ]
    path = workbook(tmp_path / "again.xlsx", cadres=rows)

    result = import_workbook(path=path, today=TODAY + datetime.timedelta(days=1))

    assert (result.cadres_created, result.cadres_updated) == (0, 20)
    assert set(Cadre.objects.filter(major="法学").values_list("code", flat=True)) == {
        f"C{i}" for i in range(5)
    }
    updates = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="people.Cadre")
    assert updates.count() == 5
    assert all("专业" in e.detail for e in updates)
    # 回避单位 and 志愿岗位 cleared for every cadre (the columns are there, blank).
    assert not Cadre.avoided_units.through.objects.exists()
    assert not Post.preferred_by.through.objects.exists()
    assert AbilityAssessment.objects.count() == 20
    assert PostCoreAbility.objects.count() == 2
