"""Mentors: their profile, imported from the 导师 sheet all or nothing, exported in the same layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from lianbing.demand.models import Post, Program
from lianbing.engine import taxonomy
from lianbing.imports.check import NewProgram
from lianbing.imports.models import ImportKind
from lianbing.imports.read import ImportProblemsError
from lianbing.imports.services import import_workbook
from lianbing.people import selectors as people_selectors
from lianbing.people import services as people_services
from lianbing.people.models import Mentor, Unit
from lianbing.web.exports import mentors_workbook
from tests import factories
from tests.integration.imports.books import (
    cadre_row,
    mentor_row,
    mentors_book,
    post_row,
    workbook,
)

pytestmark = pytest.mark.django_db

MASS_WORK = taxonomy.ability("mass_work").label
EMERGENCY = taxonomy.ability("emergency").label
EXECUTION = taxonomy.ability("execution").label


def _mentor_data() -> list[tuple[Any, ...]]:
    return list(
        Mentor.objects.order_by("code").values_list(
            "code", "name", "unit__name", "position", "expertise", "strengths", "capacity", "email"
        )
    )


def _where(error: pytest.ExceptionInfo[ImportProblemsError]) -> dict[tuple[Any, ...], str]:
    return {(p.sheet, p.row, p.column): p.expected for p in error.value.problems}


# ---------------------------------------------------------------- the profile


def test_a_mentor_takes_one_trainee_unless_told_otherwise() -> None:
    town = factories.unit("新仓镇", kind="town")

    mentor = people_services.mentor_create(code="M1", name="李俊", unit=town)

    assert (mentor.capacity, mentor.strengths, mentor.expertise, mentor.email) == (1, [], "", "")


def test_strengths_are_kept_in_the_taxonomys_order_and_shown_by_name() -> None:
    town = factories.unit("新仓镇", kind="town")

    mentor = people_services.mentor_create(
        code="M1", name="李俊", unit=town, strengths=["execution", "mass_work"]
    )

    mentor.refresh_from_db()
    assert mentor.strengths == ["mass_work", "execution"]
    assert mentor.strength_labels == [MASS_WORK, EXECUTION]


@pytest.mark.parametrize(
    ("strengths", "expected"),
    [
        (["mass_work", "writing"], "“writing”不是七种能力之一"),
        (["emergency", "emergency"], f"“{EMERGENCY}”重复"),
    ],
)
def test_a_mentors_strengths_are_known_abilities_each_once(
    strengths: list[str], expected: str
) -> None:
    town = factories.unit("新仓镇", kind="town")

    with pytest.raises(ValidationError) as error:
        people_services.mentor_create(code="M1", name="李俊", unit=town, strengths=strengths)

    assert error.value.message_dict["strengths"] == [expected]
    assert not Mentor.objects.exists()


def test_a_mentor_comes_from_a_host_unit_not_a_city_department() -> None:
    department = factories.unit("市建设局", kind="department")

    with pytest.raises(ValidationError) as error:
        people_services.mentor_create(code="M1", name="李俊", unit=department)

    assert "导师应来自用人单位" in error.value.message_dict["unit"][0]


@pytest.mark.parametrize("capacity", [0, 6])
def test_the_database_refuses_a_capacity_outside_one_to_five(capacity: int) -> None:
    town = factories.unit("新仓镇", kind="town")
    mentor = people_services.mentor_create(code="M1", name="李俊", unit=town)

    with pytest.raises(IntegrityError), transaction.atomic():
        Mentor.objects.filter(pk=mentor.pk).update(capacity=capacity)


def test_a_mentors_phone_is_stored_encrypted_and_shown_masked() -> None:
    town = factories.unit("新仓镇", kind="town")

    mentor = people_services.mentor_create(code="M1", name="李俊", unit=town, phone="13857301234")

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM people_mentor WHERE id = %s", [mentor.pk])
        stored = str(cursor.fetchone()[0])
    assert "13857301234" not in stored
    assert stored.startswith("fernet:")
    assert Mentor.objects.get(pk=mentor.pk).phone_masked == "138****1234"


def test_updating_a_mentor_with_the_same_values_saves_nothing() -> None:
    town = factories.unit("新仓镇", kind="town")
    mentor = people_services.mentor_create(
        code="M1", name="李俊", unit=town, strengths=["mass_work"], capacity=2
    )

    same = people_services.mentor_update(
        mentor=mentor, values={"strengths": ("mass_work",), "capacity": 2, "unit": town}
    )
    changed = people_services.mentor_update(mentor=mentor, values={"capacity": 3})

    assert (same, changed) == (False, True)
    assert Mentor.objects.get(pk=mentor.pk).capacity == 3


# ---------------------------------------------------------------- importing


def test_a_mentors_workbook_imports_every_field_and_needs_no_program(tmp_path: Path) -> None:
    factories.unit("新仓镇", kind="town")
    factories.unit("数字化改革专班", kind="platform")
    path = mentors_book(
        tmp_path / "mentors.xlsx",
        [
            mentor_row(
                职务="副镇长",
                专长="征迁协调、项目推进",
                擅长能力=f"{EXECUTION}；{MASS_WORK}",
                可带人数=2,
                电子邮箱="lijun@example.gov.cn",
            ),
            mentor_row(导师编号="M2", 姓名="韩文霞", 单位="数字化改革专班", 擅长能力="应急处突"),
        ],
    )

    result = import_workbook(path=path)

    assert result.program is None
    assert result.kind == ImportKind.MENTORS
    assert (result.mentors_created, result.mentors_updated, result.mentors_unchanged) == (2, 0, 0)
    assert "导师新增 2 名" in result.summary()
    assert not Program.objects.exists()
    assert _mentor_data() == [
        (
            "M1",
            "李俊",
            "新仓镇",
            "副镇长",
            "征迁协调、项目推进",
            ["mass_work", "execution"],
            2,
            "lijun@example.gov.cn",
        ),
        ("M2", "韩文霞", "数字化改革专班", "", "", ["emergency"], 1, ""),
    ]


def test_every_problem_of_a_mentor_sheet_is_listed_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    factories.unit("新仓镇", kind="town")
    factories.unit("市建设局", kind="department")
    people_services.mentor_create(code="M9", name="王芳", unit=Unit.objects.get(name="新仓镇"))
    path = mentors_book(
        tmp_path / "mentors.xlsx",
        [
            mentor_row(导师编号="M1", 单位="新仓真"),
            mentor_row(导师编号="M2", 擅长能力=f"{MASS_WORK}；写材料能力"),
            mentor_row(导师编号="M3", 可带人数=8),
            mentor_row(导师编号="M1", 姓名="金伟"),
            mentor_row(导师编号="M5", 单位="市建设局"),
            mentor_row(导师编号="M9", 姓名="王五"),
            mentor_row(导师编号="M7", 电子邮箱="lijun@@example"),
        ],
    )

    with pytest.raises(ImportProblemsError) as error:
        import_workbook(path=path)

    found = _where(error)
    assert set(found) == {
        ("导师", 2, "单位"),
        ("导师", 3, "擅长能力"),
        ("导师", 4, "可带人数"),
        ("导师", 5, "导师编号"),
        ("导师", 6, "单位"),
        ("导师", 7, "导师编号"),
        ("导师", 8, "电子邮箱"),
    }
    assert "不是系统中已有的单位" in found[("导师", 2, "单位")]
    assert "“写材料能力”不是七种能力之一" in found[("导师", 3, "擅长能力")]
    assert found[("导师", 4, "可带人数")] == "超出范围，应为 1–5 的整数"
    assert found[("导师", 5, "导师编号")] == "与第 2 行重复，导师编号必须唯一"
    assert "是市级部门" in found[("导师", 6, "单位")]
    assert "已被导师“王芳”使用" in found[("导师", 7, "导师编号")]
    assert "未导入任何数据" in error.value.render()
    assert [m.code for m in Mentor.objects.all()] == ["M9"]


def test_a_mentor_sheet_that_reads_well_is_still_checked_against_the_database(
    tmp_path: Path,
) -> None:
    path = mentors_book(tmp_path / "mentors.xlsx", [mentor_row(单位="无此镇")])

    with pytest.raises(ImportProblemsError) as error:
        import_workbook(path=path)

    (problem,) = error.value.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "导师",
        2,
        "单位",
        "无此镇",
    )
    assert not Mentor.objects.exists()


def test_an_existing_mentor_code_updates_the_mentor_and_a_missing_column_keeps_its_field(
    tmp_path: Path,
) -> None:
    xincang = factories.unit("新仓镇", kind="town")
    factories.unit("乍浦镇", kind="town")
    people_services.mentor_create(
        code="M1",
        name="李俊",
        unit=xincang,
        position="副镇长",
        email="lijun@example.gov.cn",
        capacity=2,
    )
    people_services.mentor_create(code="M2", name="韩文霞", unit=xincang, capacity=3)
    path = workbook(
        tmp_path / "mentors.xlsx",
        mentors=[
            mentor_row(导师编号="M1", 单位="乍浦镇", 职务="镇长", 擅长能力=MASS_WORK),
            mentor_row(导师编号="M2", 姓名="韩文霞", 可带人数=3),
            mentor_row(导师编号="M3", 姓名="金伟"),
        ],
    )
    # The 电子邮箱 column removed: addresses already recorded stay.
    from openpyxl import load_workbook

    book = load_workbook(path)
    book["导师"].delete_cols(8)
    book.save(path)

    result = import_workbook(path=path)

    assert (result.mentors_created, result.mentors_updated, result.mentors_unchanged) == (1, 1, 1)
    li = Mentor.objects.get(code="M1")
    assert (li.unit.name, li.position, li.strengths) == ("乍浦镇", "镇长", ["mass_work"])
    assert (li.capacity, li.email) == (1, "lijun@example.gov.cn")
    assert Mentor.objects.count() == 3


def test_exported_mentors_import_back_as_the_same_data(tmp_path: Path) -> None:
    xincang = factories.unit("新仓镇", kind="town")
    platform = factories.unit("数字化改革专班", kind="platform")
    people_services.mentor_create(
        code="M1",
        name="李俊",
        unit=xincang,
        position="副镇长",
        expertise="征迁协调；项目推进",
        strengths=["mass_work", "emergency", "execution"],
        capacity=2,
        email="lijun@example.gov.cn",
    )
    people_services.mentor_create(code="M2", name="韩文霞", unit=platform, expertise="=1+1")
    people_services.mentor_create(code="M3", name="金伟", unit=xincang, capacity=5)
    before = _mentor_data()
    path = tmp_path / "导师.xlsx"
    path.write_bytes(mentors_workbook(people_selectors.mentor_list()))

    again = import_workbook(path=path)
    Mentor.objects.all().delete()
    fresh = import_workbook(path=path)

    assert (again.mentors_unchanged, again.mentors_updated, again.mentors_created) == (3, 0, 0)
    assert fresh.mentors_created == 3
    assert _mentor_data() == before


def test_a_post_names_a_mentor_of_the_same_workbook_at_a_unit_its_posts_create(
    tmp_path: Path,
) -> None:
    program = factories.program()
    path = workbook(
        tmp_path / "both.xlsx",
        posts=[post_row(岗位编号="P1", 单位="新仓镇", 导师="李俊（副镇长）")],
        mentors=[mentor_row(导师编号="M1", 姓名="李俊", 单位="新仓镇", 职务="副镇长")],
    )

    result = import_workbook(path=path)

    assert (result.posts_created, result.mentors_created, result.mentors_linked) == (1, 1, 1)
    post = Post.objects.get(program=program, code="P1")
    assert post.mentor == Mentor.objects.get(code="M1")
    assert post.mentor.unit.kind == "town"


def test_a_mentor_at_a_unit_that_only_a_cadres_sheet_names_is_refused(tmp_path: Path) -> None:
    factories.program()
    path = workbook(
        tmp_path / "both.xlsx",
        cadres=[cadre_row(编号="C1", 现单位="市建设局")],
        mentors=[mentor_row(单位="市建设局")],
    )

    with pytest.raises(ImportProblemsError) as error:
        import_workbook(path=path)

    assert list(_where(error)) == [("导师", 2, "单位")]
    assert "不是系统中已有的单位" in error.value.problems[0].expected
    assert not Unit.objects.filter(name="市建设局").exists()


def test_a_new_program_asked_for_a_workbook_of_mentors_alone_is_not_created(
    tmp_path: Path,
) -> None:
    factories.unit("新仓镇", kind="town")
    path = mentors_book(tmp_path / "mentors.xlsx", [mentor_row()])
    wanted = NewProgram(
        name="2027年批次",
        started_on=factories.program().started_on,
        ended_on=factories.program("另一批次").ended_on,
    )

    result = import_workbook(path=path, new_program=wanted)

    assert result.program is None
    assert not Program.objects.filter(name="2027年批次").exists()
    assert any("未新建批次“2027年批次”" in w for w in result.warnings)


def test_a_workbook_with_no_known_sheet_names_the_three_it_looks_for(tmp_path: Path) -> None:
    path = workbook(tmp_path / "other.xlsx", extra_sheet="花名册")

    with pytest.raises(ImportProblemsError) as error:
        import_workbook(path=path)

    text = str(error.value)
    assert all(f"“{title}”工作表" in text for title in ("干部", "岗位", "导师"))
    assert "lianbing template cadres、posts 或 mentors" in text
