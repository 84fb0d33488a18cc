"""The run's lists a page at a time: balance table, secondments, run list; queries that stay put.

A province's run has two thousand posts and places two thousand cadres; each
list here comes a page (``selectors.PAGE_SIZE``) at a time with its count, and
its filters survive the page links. The page size is made small where a test
needs several pages of a three-post run.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lianbing.matching import selectors
from lianbing.matching.models import MatchRun
from lianbing.matching.services.finalising import match_run_finalise
from lianbing.training.models import Secondment
from tests import factories

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def two_a_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-post="([^"]+)"', page)


def _balance(client: Client, run: MatchRun, **params: Any) -> str:
    response = client.get(reverse("matching:balance", args=[run.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def big_run() -> MatchRun:
    """Sixty posts at sixty host units and forty-five cadres: more than a page of posts."""
    return factories.match_run(factories.staff_user("shengwei"), cadres=45, posts=60)


# --------------------------------------------------------------------- balance table


@pytest.mark.usefixtures("two_a_page")
def test_the_balance_table_shows_a_page_of_posts_with_the_count_of_all(
    staff: Client, run: MatchRun
) -> None:
    first = _balance(staff, run)
    second = _balance(staff, run, page=2)

    assert len(_rows(first)) == 2
    assert "共 3 个岗位，第 1 / 2 页" in first
    assert len(_rows(second)) == 1
    assert "第 2 / 2 页" in second
    assert set(_rows(first)) | set(_rows(second)) == set(run.posts.values_list("code", flat=True))


@pytest.mark.usefixtures("two_a_page")
def test_the_balance_tables_page_links_keep_the_filters(staff: Client, run: MatchRun) -> None:
    post = run.posts.first()
    assert post is not None

    page = _balance(staff, run, category=post.category, q="MP")

    assert f"?category={post.category}&amp;q=MP&amp;page=2" in page


def test_the_balance_table_of_one_host_unit_lists_only_that_units_posts(
    staff: Client, big_run: MatchRun
) -> None:
    post = big_run.posts.order_by("code").last()
    assert post is not None

    response = staff.get(
        reverse("matching:balance", args=[big_run.pk]), {"unit": post.unit_id}, **HTMX
    )

    page = response.content.decode()
    assert "<html" not in page
    assert _rows(page) == [post.code]
    assert "共 1 个岗位" in page


def test_a_search_finds_the_posts_a_cadre_is_a_candidate_for(staff: Client, run: MatchRun) -> None:
    candidate = run.candidates.select_related("cadre", "post").order_by("post__code").first()
    assert candidate is not None
    listed_on = set(
        run.candidates.filter(cadre=candidate.cadre).values_list("post__code", flat=True)
    )

    page = _balance(staff, run, q=candidate.cadre.name)

    assert set(_rows(page)) == listed_on
    assert f'value="{candidate.cadre.name}"' in page


def test_a_search_finds_a_post_by_its_title_or_its_host_unit(staff: Client, run: MatchRun) -> None:
    post = run.posts.select_related("unit").order_by("code").last()
    assert post is not None

    by_code = _balance(staff, run, q=post.code)
    by_unit = _balance(staff, run, q=post.unit.name)

    assert _rows(by_code) == [post.code]
    assert _rows(by_unit) == [post.code]


def test_a_search_that_finds_nothing_says_so(staff: Client, run: MatchRun) -> None:
    page = _balance(staff, run, q="没有这样的岗位")

    assert _rows(page) == []
    assert "没有符合条件的岗位" in page


@pytest.mark.usefixtures("two_a_page")
def test_a_reoptimisation_keeps_the_page_of_posts_shown(staff: Client, run: MatchRun) -> None:
    user = User.objects.get(username="zuzhibu")
    factories.decision(run, user)
    second = _rows(_balance(staff, run, page=2))

    response = staff.post(reverse("matching:reoptimise", args=[run.pk]), {"page": 2}, **HTMX)

    assert _rows(response.content.decode()) == second


def test_the_printed_balance_table_stays_whole(staff: Client, big_run: MatchRun) -> None:
    response = staff.get(reverse("matching:print", args=[big_run.pk]))

    assert response.content.decode().count("<tr><td>MP") == 60


def test_the_balance_table_queries_do_not_grow_with_the_posts(
    staff: Client, run: MatchRun, big_run: MatchRun, django_assert_max_num_queries: Any
) -> None:
    unit_id = big_run.posts.values_list("unit_id", flat=True).first()
    # Session, user and role checks included; what matters is that few and many agree.
    budget = 14

    with django_assert_max_num_queries(budget):
        few = _balance(staff, run)
    with django_assert_max_num_queries(budget):
        many = _balance(staff, big_run)
    with django_assert_max_num_queries(budget):
        one_unit = _balance(staff, big_run, unit=unit_id)
    with django_assert_max_num_queries(budget):
        searched = _balance(staff, big_run, q="干部1")

    assert len(_rows(few)) == 3
    assert len(_rows(many)) == selectors.PAGE_SIZE
    assert "共 60 个岗位，第 1 / 2 页" in many
    assert len(_rows(one_unit)) == 1
    assert _rows(searched)


# --------------------------------------------------------------------- run page and run list


def _finalised(run: MatchRun) -> MatchRun:
    match_run_finalise(run=run, finalised_by=run.created_by)
    run.refresh_from_db()
    return run


@pytest.mark.usefixtures("two_a_page")
def test_the_run_pages_secondments_come_a_page_at_a_time(staff: Client, run: MatchRun) -> None:
    run = _finalised(run)
    url = reverse("matching:run_detail", args=[run.pk])

    first = staff.get(url).content.decode()
    second = staff.get(url, {"page": 2}, **HTMX).content.decode()

    assert "练兵安排（3 人）" in first
    assert "共 3 人，第 1 / 2 页" in first
    assert first.count("<tr><td>") + first.count('<tr class="text-decoration') >= 2
    assert "<html" not in second
    assert 'id="secondments"' in second
    assert "第 2 / 2 页" in second


def test_the_run_page_queries_do_not_grow_with_the_secondments(
    staff: Client,
    run: MatchRun,
    big_run: MatchRun,
    django_assert_max_num_queries: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(selectors, "PAGE_SIZE", 10)
    few, many = _finalised(run), _finalised(big_run)
    assert Secondment.objects.filter(source_run=many).count() > selectors.PAGE_SIZE
    budget = 20

    with django_assert_max_num_queries(budget):
        small_page = staff.get(reverse("matching:run_detail", args=[few.pk]))
    with django_assert_max_num_queries(budget):
        big_page = staff.get(reverse("matching:run_detail", args=[many.pk]))

    assert small_page.status_code == big_page.status_code == 200
    assert "第 1 / 5 页" in big_page.content.decode()


@pytest.mark.usefixtures("two_a_page")
def test_the_run_list_is_paginated_and_counts_each_runs_cadres_and_posts(
    staff: Client, run: MatchRun
) -> None:
    user = User.objects.get(username="zuzhibu")
    factories.match_run(user, cadres=4, posts=2)
    factories.match_run(user, cadres=6, posts=4)

    first = staff.get(reverse("matching:run_list")).content.decode()
    second = staff.get(reverse("matching:run_list"), {"page": 2}).content.decode()

    assert "共 3 个方案" in first
    assert "第 1 / 2 页" in first
    assert "第 2 / 2 页" in second
    # The newest first: 6 cadres and 4 posts, then 4 and 2; the oldest (5 and 3) on page two.
    figures = re.findall(r'<td class="text-end">(\d+)</td>', first + second)
    assert figures == ["6", "4", "4", "2", "5", "3"]


@pytest.mark.usefixtures("two_a_page")
def test_the_comparison_lists_the_moved_cadres_a_page_at_a_time_keeping_the_other_run(
    staff: Client, run: MatchRun
) -> None:
    # Another pool altogether: each run's three placed cadres are placed in one run only.
    other = factories.match_run(run.created_by)
    url = reverse("matching:compare", args=[run.pk])

    first = staff.get(url, {"other": other.pk}).content.decode()
    last = staff.get(url, {"other": other.pk, "page": 3}).content.decode()

    assert len(re.findall(r"<tr><td>[^<]+（MC\d+）</td>", first)) == 2
    assert "第 1 / 3 页" in first
    assert f"?other={other.pk}&amp;page=2" in first
    assert len(re.findall(r"<tr><td>[^<]+（MC\d+）</td>", last)) == 2
