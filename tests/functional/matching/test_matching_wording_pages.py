"""The run, compare and balance pages say what they mean, in words a user reads."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lianbing.matching.charts import category_unit_sankey
from lianbing.matching.models import MatchRun
from lianbing.matching.selectors import _placements
from lianbing.matching.services.runs import RunSettings, match_run_create
from tests import factories

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _title(page: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page, re.S)
    assert match is not None
    return match.group(1)


def test_the_run_page_title_is_plain_text(staff: Client, run: MatchRun) -> None:
    page = staff.get(reverse("matching:run_detail", args=[run.pk])).content.decode()

    title = _title(page)
    assert str(run) in title
    assert "<" not in title


def test_the_run_page_names_the_baseline_in_plain_words_and_explains_it(
    staff: Client, run: MatchRun
) -> None:
    page = staff.get(reverse("matching:run_detail", args=[run.pk])).content.decode()

    assert "贪心" not in page
    assert "逐岗择优（不统筹）的总分" in page
    assert 'data-testid="greedy-explained"' in page


def test_the_compare_summary_accounts_for_every_cadre_of_the_pool(
    staff: Client, user: User
) -> None:
    # Six cadres, three one-seat posts: some cadres are placed in neither run.
    program = factories.matching_program(cadres=6, posts=3)
    left = factories.match_run(user, program=program)
    right = match_run_create(
        program=program,
        created_by=user,
        run_settings=RunSettings(weight_fit=0.1, weight_development=0.1, weight_complement=0.8),
    )

    page = staff.get(reverse("matching:compare", args=[left.pk]), {"other": right.pk})

    summary = re.search(r'data-testid="compare-summary">(.*?)</p>', page.content.decode())
    assert summary is not None
    numbers = [int(n) for n in re.findall(r"\d+", summary.group(1))]
    pool, parts = numbers[0], numbers[1:]
    assert pool == 6
    assert len(parts) == 4
    assert sum(parts) == pool
    assert "在两个方案中均未配置" in summary.group(1)


def test_a_second_pin_on_a_full_post_says_to_withdraw_the_first(
    staff: Client, run: MatchRun
) -> None:
    placed = list(run.placements.values_list("cadre_id", "post_id"))
    (a, post_a), (b, _post_b) = placed[:2]
    url = reverse("matching:decision_create", args=[run.pk])
    staff.post(url, {"kind": "pin", "cadre": a, "post": post_a, "reason": "组织研究"}, **HTMX)

    response = staff.post(
        url, {"kind": "pin", "cadre": b, "post": post_a, "reason": "另作考虑"}, **HTMX
    )

    page = response.content.decode()
    assert "先撤销已有的指定" in page
    assert "新建方案" not in page


def test_names_and_seat_headings_in_the_balance_table_do_not_wrap(
    staff: Client, run: MatchRun
) -> None:
    page = staff.get(reverse("matching:balance", args=[run.pk])).content.decode()

    assert '<th class="text-end text-nowrap">名额</th>' in page
    links = re.findall(r'<li class="lb-candidate[^>]*><a [^>]*>', page)
    assert links
    assert all('class="text-nowrap"' in link for link in links)


def test_the_sankey_leaves_room_for_the_longest_unit_name(run: MatchRun) -> None:
    placements = _placements(run)
    longest = max(len(p.post.unit.name) for p in placements)

    series = category_unit_sankey(placements)["series"][0]

    assert series["right"] >= 11 * longest
