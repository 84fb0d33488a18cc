"""A round's demands a page at a time, with their count, filters kept in the page links."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lianbing.survey import selectors
from lianbing.survey.models import SurveyRound
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def user() -> User:
    return factories.account("staff", username="ganbuke", password="Lianbing-Survey-2026")


@pytest.fixture
def survey_round() -> SurveyRound:
    return factories.survey_round("2026年人才缺口调研", program_=factories.program())


@pytest.fixture
def two_a_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "DEMAND_PAGE_SIZE", 2)


def _titles(page: str) -> list[str]:
    return re.findall(r'<td><a href="/survey/demands/\d+/">([^<]+)</a></td>', page)


@pytest.mark.usefixtures("two_a_page")
def test_a_rounds_demands_come_a_page_at_a_time_with_the_count_of_all(
    staff: Client, survey_round: SurveyRound
) -> None:
    town = factories.unit("曹桥街道", kind="town")
    for k in range(3):
        factories.demand(round_=survey_round, host=town, title=f"需求{k + 1}")
    url = reverse("survey:round_detail", args=[survey_round.pk])

    first = staff.get(url).content.decode()
    second = staff.get(url, {"page": 2}, HTTP_HX_REQUEST="true").content.decode()

    assert len(_titles(first)) == 2
    assert "共 3 项需求，第 1 / 2 页" in first
    assert "<html" not in second
    assert len(_titles(second)) == 1
    assert set(_titles(first) + _titles(second)) == {"需求1", "需求2", "需求3"}


@pytest.mark.usefixtures("two_a_page")
def test_the_demand_page_links_keep_the_filters(staff: Client, survey_round: SurveyRound) -> None:
    town = factories.unit("曹桥街道", kind="town")
    for k in range(3):
        factories.demand(round_=survey_round, host=town, title=f"需求{k + 1}")
    factories.demand(round_=survey_round, host=town, title="草稿", submit=False)

    page = staff.get(
        reverse("survey:round_detail", args=[survey_round.pk]),
        {"status": "submitted", "unit": town.pk},
    ).content.decode()

    assert "共 3 项需求，第 1 / 2 页" in page
    assert f"?status=submitted&amp;unit={town.pk}&amp;page=2" in page


def test_the_demand_list_queries_do_not_grow_with_the_demands(
    staff: Client, survey_round: SurveyRound, django_assert_max_num_queries: Any
) -> None:
    few_round = factories.survey_round("小轮次", program_=factories.program("小批次"))
    town = factories.unit("曹桥街道", kind="town")
    factories.demand(round_=few_round, host=town)
    for k in range(60):
        factories.demand(
            round_=survey_round, host=factories.unit(f"镇{k}", kind="town"), title=f"需求{k}"
        )
    budget = 14

    with django_assert_max_num_queries(budget):
        few = staff.get(reverse("survey:round_detail", args=[few_round.pk]))
    with django_assert_max_num_queries(budget):
        many = staff.get(reverse("survey:round_detail", args=[survey_round.pk]))

    assert len(_titles(few.content.decode())) == 1
    assert len(_titles(many.content.decode())) == selectors.DEMAND_PAGE_SIZE
    assert "共 60 项需求，第 1 / 2 页" in many.content.decode()
