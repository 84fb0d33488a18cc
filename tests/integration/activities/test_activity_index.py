"""Activity scores move the growth index exactly as the rule says, checked by hand.

Three trainees of one round, A (孙杰), B (王楠楠), C (陈晨), with two
indicators only: the mentor's monthly assessment and the activities (no
ratings, no plan, so the other five indicators are absent and their weight
goes to these two; equal weights -> 1/2 each).

- Monthly assessment on the program's 1-5 scale: A all 5, B all 3, C all 1
  -> 100, 50, 0 on 0-100 -> normalised over the cohort 100, 50, 0.
- The counted discussion (finished, held 10 July, before the round closes on
  30 September), scale 1-5, abilities decision, reform, mass_work, two assessors:
  A (4, 5, 3) and (3, 4, 5) -> means 3.5, 4.5, 4 -> total 4 -> 75;
  B (2, 2, 2) and (2, 2, 2) -> 2 -> 25; C (5, 5, 5) twice -> 5 -> 100.
  Normalised: A (75 - 25) / 75 * 100 = 66.67, B 0, C 100.
- Not counted: a finished forum held after the closing date (C gets 1s), and a
  contest still scoring (B gets 5s).

Index without activities: A 100, B 50, C 0. With them: A 0.5 * 100 + 0.5 *
66.67 = 83.33, B 0.5 * 50 = 25, C 0.5 * 100 = 50: C overtakes B.
"""

from __future__ import annotations

import datetime

import pytest

from lianbing.engine import taxonomy
from lianbing.evaluation.models import EvaluationRound, InspectionTeam, RoundStatus, WeightMethod
from lianbing.evaluation.services.index import growth_compute
from lianbing.training.models import MonthlyAssessment, Secondment
from tests.functional.activities.conftest import Activities, activities, activity  # noqa: F401
from tests.functional.activities.scores_fixtures import finished, score, scoring
from tests.functional.training.conftest import placed  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _round(activities: Activities, trainees: list[Secondment]) -> EvaluationRound:  # noqa: F811
    round_ = EvaluationRound.objects.create(
        program=trainees[0].program,
        name="中期考察",
        status=RoundStatus.CLOSED,
        closes_on=datetime.date(2026, 9, 30),
        created_by=activities.placed.staff,
    )
    team = InspectionTeam.objects.create(round=round_, name="第一考察组")
    team.secondments.set(trainees)
    for trainee, level in zip(trainees, (5, 3, 1), strict=True):
        MonthlyAssessment.objects.create(
            secondment=trainee,
            month=datetime.date(2026, 6, 1),
            scores=dict.fromkeys(taxonomy.ABILITY_CODES, level),
            remark="按月评价",
            author=activities.placed.mentor,
        )
    return round_


def _indices(round_: EvaluationRound, activities: Activities) -> dict[int, float]:  # noqa: F811
    computation = growth_compute(round_, method=WeightMethod.EQUAL, by=activities.placed.staff)
    return {s.secondment_id: s.index for s in computation.scores.all()}


def test_activity_scores_change_the_growth_index_as_computed_by_hand(
    activities: Activities,  # noqa: F811
) -> None:
    a, b, c = activities.trainees[0], activities.trainees[1], activities.trainees[2]
    staff, mentor = activities.placed.staff, activities.placed.mentor
    round_ = _round(activities, [a, b, c])
    before = _indices(round_, activities)
    counted = scoring(activities.activity)
    for who, values in ((staff, (4, 5, 3)), (mentor, (3, 4, 5))):
        score(counted, who, a, values)
    for who in (staff, mentor):
        score(counted, who, b, (2, 2, 2))
        score(counted, who, c, (5, 5, 5))
    finished(counted)
    late = scoring(
        activity(
            activities.series,
            participants=[a, b, c],
            assessors=[staff],
            title="青年干部论坛：晚于截止",
            held_on=datetime.date(2026, 10, 15),
        )
    )
    score(late, staff, c, (1, 1, 1))
    finished(late)
    still_open = scoring(
        activity(activities.series, participants=[a, b, c], assessors=[staff], title="破难比拼赛")
    )
    score(still_open, staff, b, (5, 5, 5))

    after = _indices(round_, activities)

    assert before == {a.pk: pytest.approx(100.0), b.pk: pytest.approx(50.0), c.pk: 0.0}
    assert after[a.pk] == pytest.approx(50.0 + 50.0 * 50.0 / 75.0)  # 83.33
    assert after[b.pk] == pytest.approx(25.0)
    assert after[c.pk] == pytest.approx(50.0)
    latest = round_.computations.order_by("-pk")[0]
    values = {s.secondment_id: s.indicators["activities"] for s in latest.scores.all()}
    assert values == {a.pk: 75.0, b.pk: 25.0, c.pk: 100.0}
