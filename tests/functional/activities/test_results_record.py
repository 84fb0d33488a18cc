"""The growth record (成长档案) shows the trainee's finished activities, on screen and in Word."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from lianbing.evaluation.models import EvaluationRound, RoundStatus
from tests.functional.evaluation.conftest import Inspected, inspected  # noqa: F401  (fixture)

from .conftest import Activities, activity
from .scores_fixtures import finished, score, scoring

pytestmark = pytest.mark.django_db


def _url(inspected: Inspected, name: str) -> str:  # noqa: F811
    return reverse(name, args=[inspected.round.pk, inspected.placed.secondment.pk])


def _activities_of_sun(activities: Activities) -> None:
    """Three activities of 孙杰: a finished discussion, a finished forum held after the
    round closes (5 everywhere) and a contest still scoring (1 everywhere).

    The discussion by hand: (4, 4, 4) and (3, 4, 4) -> ability means 3.5, 4, 4 ->
    total 11.5 / 3 = 3.83 on 1-5, (3.833 - 1) / 4 * 100 = 70.8 on 0-100.
    """
    placed = activities.placed
    sun = placed.secondment
    made = scoring(activities.activity)
    score(made, placed.staff, sun, (4, 4, 4))
    score(made, placed.mentor, sun, (3, 4, 4))
    finished(made)
    later = scoring(
        activity(
            activities.series,
            participants=[sun],
            assessors=[placed.staff],
            title="青年干部论坛：数字乡村",
            held_on=datetime.date(2026, 11, 5),  # the round closes on 30 September
        )
    )
    score(later, placed.staff, sun, (5, 5, 5))
    finished(later)
    open_ = scoring(
        activity(
            activities.series, participants=[sun], assessors=[placed.staff], title="破难比拼赛"
        )
    )
    score(open_, placed.staff, sun, (1, 1, 1))


def test_the_record_lists_finished_activities_and_says_which_count_in_the_round(
    inspected: Inspected,  # noqa: F811
    activities: Activities,
) -> None:
    _activities_of_sun(activities)

    page = inspected.client("staff").get(_url(inspected, "evaluation:record")).content.decode()

    assert page.count('data-testid="activity"') == 2
    assert "无领导小组讨论：强村富民" in page
    assert "3.83" in page
    assert "70.8" in page
    assert "青年干部论坛：数字乡村" in page
    assert "否（本轮截止后举行）" in page
    assert "破难比拼赛" not in page


def test_the_word_record_holds_the_activities_and_the_released_record_shows_them_to_the_trainee(
    inspected: Inspected,  # noqa: F811
    activities: Activities,
) -> None:
    _activities_of_sun(activities)
    EvaluationRound.objects.filter(pk=inspected.round.pk).update(status=RoundStatus.RELEASED)

    response = inspected.client("staff").get(_url(inspected, "evaluation:record_docx"))
    trainee = inspected.client("trainee").get(_url(inspected, "evaluation:record"))

    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "五、赋能活动成绩" in text
    assert "无领导小组讨论：强村富民" in cells
    assert "3.83（1–5 分）" in cells
    assert "70.8" in cells
    assert trainee.status_code == 200
    assert trainee.content.decode().count('data-testid="activity"') == 2
