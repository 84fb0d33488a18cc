"""The database itself refuses data that breaks the program's rules."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from lianbing.demand.models import Post, PostCoreAbility, Program
from lianbing.engine import taxonomy
from lianbing.people.models import AbilityAssessment, Cadre
from tests import factories

pytestmark = pytest.mark.django_db


def _scores(**overrides: int) -> dict[str, int]:
    return {code: overrides.get(code, 70) for code in taxonomy.ABILITY_CODES}


def test_the_database_refuses_an_ability_score_of_101() -> None:
    cadre = factories.cadre()

    with pytest.raises(IntegrityError), transaction.atomic():
        AbilityAssessment.objects.create(
            cadre=cadre, assessed_on=datetime.date(2026, 5, 1), **_scores(political=101)
        )

    assert cadre.assessments.count() == 1


@pytest.mark.parametrize("code", taxonomy.ABILITY_CODES)
def test_every_ability_column_is_bounded_by_the_database(code: str) -> None:
    cadre = factories.cadre()

    with pytest.raises(IntegrityError), transaction.atomic():
        AbilityAssessment.objects.create(
            cadre=cadre, assessed_on=datetime.date(2026, 5, 1), **_scores(**{code: 101})
        )


def test_a_score_of_100_is_accepted() -> None:
    cadre = factories.cadre()

    AbilityAssessment.objects.create(
        cadre=cadre, assessed_on=datetime.date(2026, 5, 1), **_scores(execution=100)
    )

    assert cadre.assessments.count() == 2


def test_the_database_refuses_a_post_with_no_seat() -> None:
    post = factories.post()

    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(seats=0)


@pytest.mark.parametrize("months", [5, 13])
def test_the_database_refuses_a_duration_outside_6_to_12_months(months: int) -> None:
    post = factories.post()

    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(duration_months=months)


def test_the_database_refuses_an_unknown_category() -> None:
    cadre = factories.cadre()

    with pytest.raises(IntegrityError), transaction.atomic():
        Cadre.objects.filter(pk=cadre.pk).update(category="sports")


def test_cadre_codes_are_unique() -> None:
    factories.cadre(code="C001")

    with pytest.raises(IntegrityError), transaction.atomic():
        Cadre.objects.create(
            code="C001", name="李四", origin_unit=factories.unit(), category="party"
        )


def test_post_codes_are_unique_within_a_program_but_not_across_programs() -> None:
    first = factories.program("第一批")
    second = factories.program("第二批")
    factories.post(program_=first, code="P001")

    factories.post(program_=second, code="P001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(
            program=first, code="P001", name="重复岗位", unit=factories.unit(), category="party"
        )

    assert Post.objects.filter(code="P001").count() == 2


def test_a_core_ability_weight_must_be_positive() -> None:
    post = factories.post()

    with pytest.raises(IntegrityError), transaction.atomic():
        PostCoreAbility.objects.filter(post=post).update(weight=0)


def test_a_program_must_end_after_it_starts() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.create(
            name="倒置批次",
            started_on=datetime.date(2026, 3, 1),
            ended_on=datetime.date(2026, 2, 1),
        )
