"""A mentor's 可带人数 cannot be lowered by an import below the trainees already confirmed."""

from __future__ import annotations

from pathlib import Path

import pytest

from lianbing.imports.read import ImportProblemsError
from lianbing.imports.services import import_workbook
from lianbing.people.models import Mentor
from lianbing.training.models import Secondment
from tests.functional.training.conftest import Placed
from tests.integration.imports.books import mentor_row, mentors_book

pytestmark = pytest.mark.django_db


def _two_confirmed(placed: Placed) -> Mentor:
    mentor = placed.secondment.mentor
    assert mentor is not None
    Mentor.objects.filter(pk=mentor.pk).update(capacity=2)
    Secondment.objects.filter(pk=placed.other.pk).update(
        mentor=mentor, mentor_confirmed_at=placed.secondment.mentor_confirmed_at
    )
    mentor.refresh_from_db()
    return mentor


def test_lowering_capacity_below_the_confirmed_trainees_is_refused_and_nothing_changes(
    placed: Placed, tmp_path: Path
) -> None:
    mentor = _two_confirmed(placed)
    row = mentor_row(导师编号=mentor.code, 姓名=mentor.name, 单位=mentor.unit.name, 可带人数=1)

    with pytest.raises(ImportProblemsError) as error:
        import_workbook(path=mentors_book(tmp_path / "mentors.xlsx", [row]))

    (problem,) = error.value.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "导师",
        2,
        "可带人数",
        "1",
    )
    assert "已确认的学员数（2 名）" in problem.expected
    mentor.refresh_from_db()
    assert mentor.capacity == 2


@pytest.mark.parametrize("capacity", [2, 3])
def test_capacity_at_or_above_the_confirmed_trainees_imports(
    placed: Placed, tmp_path: Path, capacity: int
) -> None:
    mentor = _two_confirmed(placed)
    row = mentor_row(
        导师编号=mentor.code, 姓名=mentor.name, 单位=mentor.unit.name, 可带人数=capacity
    )

    import_workbook(path=mentors_book(tmp_path / "mentors.xlsx", [row]))

    mentor.refresh_from_db()
    assert mentor.capacity == capacity
