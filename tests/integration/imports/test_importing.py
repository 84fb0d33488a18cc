"""Importing workbooks into the database: all or nothing, every problem located."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from lianbing.accounts.models import AuditAction, AuditEvent
from lianbing.background.jobs import Job
from lianbing.background.models import JobStatus
from lianbing.demand.models import Post, Program
from lianbing.imports import job as worker
from lianbing.imports import submit
from lianbing.imports.check import NewProgram
from lianbing.imports.models import ImportJob
from lianbing.imports.problems import import_problems_workbook
from lianbing.imports.read import ImportProblemsError
from lianbing.imports.services import import_workbook
from lianbing.people import services as people_services
from lianbing.people.models import AbilityAssessment, Cadre, Unit
from lianbing.xlsx import reader
from tests import factories
from tests.integration.imports.books import (
    cadre_row,
    cadres_book,
    post_row,
    posts_book,
    workbook,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 15)


def _counts() -> dict[str, int]:
    return {
        "cadres": Cadre.objects.count(),
        "units": Unit.objects.count(),
        "posts": Post.objects.count(),
        "programs": Program.objects.count(),
        "assessments": AbilityAssessment.objects.count(),
    }


def _problem_texts(error: pytest.ExceptionInfo[ImportProblemsError]) -> list[str]:
    return error.value.lines()


def test_a_cadres_workbook_creates_cadres_units_assessments_and_fills_the_pool(
    tmp_path: Path,
) -> None:
    program = factories.program()
    path = cadres_book(
        tmp_path / "cadres.xlsx",
        [
            cadre_row(编号="C1", 姓名="孙杰", 现单位="市建设局", 类别="城建交通"),
            cadre_row(编号="C2", 姓名="徐菊", 现单位="市机关事务中心", 专长="接待服务"),
        ],
    )

    result = import_workbook(path=path, today=TODAY)

    assert (result.cadres_created, result.cadres_updated, result.units_created) == (2, 0, 2)
    assert result.program == program
    assert set(program.cadres.values_list("code", flat=True)) == {"C1", "C2"}
    sun = Cadre.objects.get(code="C1")
    assert sun.origin_unit.kind == "department"
    assert (sun.category, sun.category_derived) == ("construction", False)
    assert Cadre.objects.get(code="C2").category_derived is True
    assert sun.assessments.get().assessed_on == TODAY
    assert "导入完成" in result.summary()


def test_an_import_dates_its_ability_assessments_by_the_programs_clock(
    tmp_path: Path, settings: Any
) -> None:
    """The baseline of the growth index is the assessment on or before the secondment's start:
    an import on a day the site's clock fixes is dated that day, not the server's."""
    factories.program()
    settings.LIANBING_TODAY = "2026-02-02"
    path = cadres_book(tmp_path / "cadres.xlsx", [cadre_row(编号="C1", 姓名="孙杰")])

    import_workbook(path=path)

    assert Cadre.objects.get(code="C1").assessments.get().assessed_on == datetime.date(2026, 2, 2)


def test_a_posts_workbook_creates_posts_at_units_of_the_rows_kind_and_links_mentors(
    tmp_path: Path,
) -> None:
    program = factories.program()
    xincang = factories.unit("新仓镇", kind="town")
    people_services.mentor_create(code="M1", name="李俊", unit=xincang, position="副镇长")
    path = posts_book(
        tmp_path / "posts.xlsx",
        [
            post_row(岗位编号="P1", 单位="新仓镇", 导师="李俊（副镇长）"),
            post_row(岗位编号="P2", 单位="数字化改革专班", 单位类型="市级平台", 导师="王五"),
        ],
    )

    result = import_workbook(path=path)

    assert (result.posts_created, result.units_created, result.mentors_linked) == (2, 1, 1)
    assert Post.objects.get(program=program, code="P1").mentor is not None
    p2 = Post.objects.get(program=program, code="P2")
    assert p2.mentor is None
    assert p2.unit.kind == "platform"
    assert any("第 3 行“导师”列" in w and "王五" in w for w in result.warnings)


def test_a_workbook_with_both_sheets_records_preferred_posts_of_the_same_workbook(
    tmp_path: Path,
) -> None:
    program = factories.program()
    path = workbook(
        tmp_path / "both.xlsx",
        cadres=[
            cadre_row(编号="C1", 志愿岗位="P1；P2", 回避单位="乍浦镇"),
            cadre_row(编号="C2", 姓名="金伟", 志愿岗位="P2"),
        ],
        posts=[post_row(岗位编号="P1"), post_row(岗位编号="P2", 单位="乍浦镇")],
    )

    result = import_workbook(path=path)

    assert result.kind == "both"
    p1, p2 = Post.objects.filter(program=program).order_by("code")
    assert set(p1.preferred_by.values_list("code", flat=True)) == {"C1"}
    assert set(p2.preferred_by.values_list("code", flat=True)) == {"C1", "C2"}
    avoided = Cadre.objects.get(code="C1").avoided_units.get()
    assert (avoided.name, avoided.kind) == ("乍浦镇", "town")


def test_a_cadre_imported_again_is_updated_and_reassessed_only_when_scores_differ(
    tmp_path: Path,
) -> None:
    program = factories.program()
    import_workbook(path=cadres_book(tmp_path / "a.xlsx", [cadre_row(编号="C1")]), today=TODAY)
    same = cadres_book(tmp_path / "b.xlsx", [cadre_row(编号="C1")])
    changed = cadres_book(tmp_path / "c.xlsx", [cadre_row(编号="C1", 现职务="副局长", 政治能力=95)])

    again = import_workbook(path=same, today=TODAY)
    later = import_workbook(path=changed, today=TODAY + datetime.timedelta(days=30))

    assert (again.cadres_created, again.cadres_updated, again.cadres_unchanged) == (0, 0, 1)
    assert again.assessments_added == 0
    assert (later.cadres_updated, later.assessments_added) == (1, 1)
    cadre = Cadre.objects.get(code="C1")
    assert cadre.position == "副局长"
    assert cadre.assessments.count() == 2
    assert cadre.assessments.latest().political == 95
    assert program.cadres.count() == 1


def test_a_blank_preferred_posts_cell_clears_that_cadres_preferences_but_not_others(
    tmp_path: Path,
) -> None:
    program = factories.program()
    import_workbook(
        path=workbook(
            tmp_path / "a.xlsx",
            cadres=[
                cadre_row(编号="C1", 志愿岗位="P1"),
                cadre_row(编号="C2", 姓名="金伟", 志愿岗位="P1"),
            ],
            posts=[post_row(岗位编号="P1")],
        )
    )

    import_workbook(path=cadres_book(tmp_path / "b.xlsx", [cadre_row(编号="C1")]))

    post = Post.objects.get(program=program, code="P1")
    assert list(post.preferred_by.values_list("code", flat=True)) == ["C2"]


def test_an_existing_code_with_another_name_is_a_problem_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    factories.program()
    factories.cadre(code="C1", name="张三")
    before = _counts()
    path = cadres_book(
        tmp_path / "c.xlsx", [cadre_row(编号="C9", 现单位="新单位"), cadre_row(编号="C1")]
    )

    with pytest.raises(ImportProblemsError) as error:
        import_workbook(path=path)

    assert _counts() == before
    [line] = _problem_texts(error)
    assert line.startswith("工作表“干部”第 3 行“编号”列：值“C1”已被干部“张三”使用")
    assert "请换一个编号" in line


def test_unknown_avoided_units_and_preferred_posts_are_each_reported_with_their_cell(
    tmp_path: Path,
) -> None:
    factories.program()
    path = cadres_book(
        tmp_path / "c.xlsx",
        [cadre_row(编号="C1", 回避单位="新仓镇；乍浦真", 志愿岗位="GW404")],
    )

    with pytest.raises(ImportProblemsError) as error:
        import_workbook(path=path)

    problems = {(p.sheet, p.row, p.column, p.value) for p in error.value.problems}
    assert problems == {
        ("干部", 2, "回避单位", "新仓镇"),
        ("干部", 2, "回避单位", "乍浦真"),
        ("干部", 2, "志愿岗位", "GW404"),
    }
    assert "未导入任何数据" in str(error.value)
    assert not Unit.objects.filter(name="市建设局").exists()


def test_a_post_code_already_in_the_program_is_a_problem(tmp_path: Path) -> None:
    program = factories.program()
    factories.post(program_=program, code="P1")
    before = _counts()

    with pytest.raises(ImportProblemsError) as error:
        import_workbook(path=posts_book(tmp_path / "p.xlsx", [post_row(岗位编号="P1")]))

    assert _counts() == before
    [problem] = error.value.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "岗位",
        2,
        "岗位编号",
        "P1",
    )


def test_problems_of_both_sheets_are_reported_together(tmp_path: Path) -> None:
    factories.program()
    path = workbook(
        tmp_path / "bad.xlsx",
        cadres=[cadre_row(政治能力=120)],
        posts=[post_row(名额=0), post_row(岗位编号="P2", 类别="")],
    )

    with pytest.raises(ImportProblemsError) as error:
        import_workbook(path=path)

    located = [(p.sheet, p.row, p.column) for p in error.value.problems]
    assert ("干部", 2, "政治能力") in located
    assert ("岗位", 2, "名额") in located
    assert ("岗位", 3, "类别") in located
    assert Cadre.objects.count() == 0


def test_values_the_database_refuses_are_reported_as_cell_problems(tmp_path: Path) -> None:
    factories.program()
    path = cadres_book(tmp_path / "c.xlsx", [cadre_row(姓名="名" * 60, 基层工作年限=75)])

    with pytest.raises(ImportProblemsError) as error:
        import_workbook(path=path)

    columns = {p.column for p in error.value.problems}
    assert columns == {"姓名", "基层工作年限"}
    assert all(p.row == 2 for p in error.value.problems)


def test_a_workbook_without_either_sheet_gets_a_clear_chinese_error(tmp_path: Path) -> None:
    factories.program()

    with pytest.raises(ImportProblemsError) as error:
        import_workbook(path=workbook(tmp_path / "x.xlsx", extra_sheet="花名册"))

    assert "既没有“干部”工作表，也没有“岗位”工作表（现有：花名册）" in str(error.value)


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    factories.program()
    path = tmp_path / "x.xlsx"
    path.write_text("姓名,编号\n", encoding="utf-8")

    with pytest.raises(ImportProblemsError) as error:
        import_workbook(path=path)

    assert "不是有效的 Excel" in str(error.value)


def test_without_any_program_the_import_asks_for_one_and_can_create_it(tmp_path: Path) -> None:
    path = cadres_book(tmp_path / "c.xlsx", [cadre_row()])
    with pytest.raises(ImportProblemsError) as error:
        import_workbook(path=path)
    assert "还没有练兵批次" in str(error.value)

    result = import_workbook(
        path=path,
        new_program=NewProgram(
            "2026年百岗大练兵", datetime.date(2026, 3, 1), datetime.date(2027, 2, 28)
        ),
    )

    assert result.program_created
    assert result.program.name == "2026年百岗大练兵"
    assert result.program.cadres.count() == 1


def test_a_refused_import_does_not_create_its_new_program(tmp_path: Path) -> None:
    path = cadres_book(tmp_path / "c.xlsx", [cadre_row(回避单位="无此单位")])

    with pytest.raises(ImportProblemsError):
        import_workbook(
            path=path,
            new_program=NewProgram("新批次", datetime.date(2026, 3, 1), datetime.date(2027, 2, 28)),
        )

    assert not Program.objects.exists()
    assert not Cadre.objects.exists()


# --------------------------------------------------------------------- jobs


def _upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile("名册（最终版）.xlsx", path.read_bytes())


def test_a_job_keeps_the_upload_under_a_random_name_and_records_the_counts(
    tmp_path: Path,
) -> None:
    factories.program()
    user = factories.staff_user()
    path = cadres_book(
        tmp_path / "c.xlsx", [cadre_row(编号="C1"), cadre_row(编号="C2", 姓名="金伟")]
    )

    job = submit.import_job_create(upload=_upload(path), created_by=user)

    assert job.status == JobStatus.DONE
    assert (job.kind, job.cadres_created, job.units_created) == ("cadres", 2, 1)
    assert job.file_name == "名册（最终版）.xlsx"
    assert job.file.name.startswith("imports/")
    assert "最终版" not in job.file.name
    assert Path(job.file.path).read_bytes() == path.read_bytes()


def test_the_writes_of_a_job_are_attributed_to_the_uploader_in_the_audit_trail(
    tmp_path: Path,
) -> None:
    factories.program()
    user = factories.staff_user()
    path = cadres_book(tmp_path / "c.xlsx", [cadre_row(编号="C1")])

    job = submit.import_job_create(upload=_upload(path), created_by=user)

    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="people.Cadre")
    assert event.username == "ganbuke"
    assert event.path == job.get_absolute_url()
    assert event.address is None


def test_an_import_of_both_sheets_opens_the_workbook_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.program()
    path = workbook(
        tmp_path / "both.xlsx",
        cadres=[cadre_row(编号="C1", 志愿岗位="P1")],
        posts=[post_row(岗位编号="P1")],
    )
    opened: list[object] = []
    real_open = reader.CalamineWorkbook.from_path

    class CountingWorkbook:
        @staticmethod
        def from_path(*args: Any, **kwargs: Any) -> Any:
            opened.append(args[0])
            return real_open(*args, **kwargs)

    monkeypatch.setattr(reader, "CalamineWorkbook", CountingWorkbook)

    result = import_workbook(path=path, today=TODAY)

    assert (result.cadres_created, result.posts_created) == (1, 1)
    assert opened == [str(path)]


def test_a_rejected_job_keeps_every_problem_and_offers_them_as_a_workbook(
    tmp_path: Path,
) -> None:
    factories.program()
    user = factories.staff_user()
    # A value that Excel would run as a formula is written back quoted.
    path = cadres_book(tmp_path / "c.xlsx", [cadre_row(回避单位="'=HYPERLINK(1)")])

    job = submit.import_job_create(upload=_upload(path), created_by=user)
    content = import_problems_workbook(job)

    assert job.status == JobStatus.REJECTED
    assert [p["column"] for p in job.problems] == ["回避单位"]
    assert not Cadre.objects.exists()
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = list(book["问题清单"].iter_rows(values_only=True))
    assert rows[0] == ("序号", "工作表", "行", "列", "值", "问题与修改办法")
    assert rows[1][:5] == (1, "干部", 2, "回避单位", "'=HYPERLINK(1)")


def test_an_upload_that_is_not_an_xlsx_is_refused_before_it_is_kept(tmp_path: Path) -> None:
    factories.program()
    user = factories.staff_user()

    with pytest.raises(submit.ImportRequestError) as error:
        submit.import_job_create(upload=SimpleUploadedFile("a.xlsx", b"not a zip"), created_by=user)

    assert "不是 .xlsx" in str(error.value)
    assert not ImportJob.objects.exists()


def test_a_job_cancelled_while_queued_is_never_imported(tmp_path: Path, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    factories.program()
    user = factories.staff_user()
    job = submit.import_job_create(
        upload=_upload(cadres_book(tmp_path / "c.xlsx", [cadre_row()])), created_by=user
    )
    assert job.status == JobStatus.QUEUED

    submit.import_job_cancel(job=job)
    status = worker.import_job_execute(job_id=job.pk)

    assert status == JobStatus.CANCELLED
    assert not Cadre.objects.exists()


def test_a_job_asked_to_cancel_while_running_stops_and_writes_nothing(
    tmp_path: Path, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    factories.program()
    user = factories.staff_user()
    job = submit.import_job_create(
        upload=_upload(cadres_book(tmp_path / "c.xlsx", [cadre_row()])), created_by=user
    )
    # The request arrives while the worker is between two rows.
    ImportJob.objects.filter(pk=job.pk).update(cancel_requested=True)

    status = worker.import_job_execute(job_id=job.pk)

    assert status == JobStatus.CANCELLED
    assert not Cadre.objects.exists()
    assert not Unit.objects.exists()


def test_progress_inside_the_write_transaction_is_visible_to_the_page(
    tmp_path: Path, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    factories.program()
    job = submit.import_job_create(
        upload=_upload(cadres_book(tmp_path / "c.xlsx", [cadre_row()])),
        created_by=factories.staff_user(),
    )
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=50)
    job.refresh_from_db()

    with transaction.atomic():
        worker._JobReporter(Job(ImportJob, job.pk))(75, "写入第 3 / 4 条")
    seen = worker.live_progress(job)

    assert seen == (75, "写入第 3 / 4 条")


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_imports_an_enqueued_workbook(tmp_path: Path, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    factories.program()
    job = submit.import_job_create(
        upload=_upload(cadres_book(tmp_path / "c.xlsx", [cadre_row()])),
        created_by=factories.staff_user(),
    )

    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.cadres_created == 1
    assert not worker._progress_file(job.pk).exists()


def test_unknown_avoided_units_and_preferred_posts_are_listed_with_the_files_other_problems(
    tmp_path: Path,
) -> None:
    factories.program()
    path = cadres_book(
        tmp_path / "c.xlsx",
        [
            cadre_row(编号="C1", 政治能力=130),
            cadre_row(编号="C2", 姓名="金伟", 回避单位="无此单位", 志愿岗位="P999"),
        ],
    )

    with pytest.raises(ImportProblemsError) as refused:
        import_workbook(path=path)

    columns = [p.column for p in refused.value.problems]
    assert columns == ["政治能力", "回避单位", "志愿岗位"]
    assert not Cadre.objects.exists()


def test_a_preferred_post_on_a_bad_row_of_the_posts_sheet_is_not_reported_missing(
    tmp_path: Path,
) -> None:
    factories.program()
    path = workbook(
        tmp_path / "both.xlsx",
        cadres=[cadre_row(编号="C1", 志愿岗位="P1")],
        posts=[post_row(岗位编号="P1", 名额=0)],
    )

    with pytest.raises(ImportProblemsError) as refused:
        import_workbook(path=path)

    assert "志愿岗位" not in [p.column for p in refused.value.problems]
