"""评分: the assessor's pages and the score_set service's rules."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lianbing.accounts.models import AuditAction, AuditEvent
from lianbing.activities.models import ActivityScore, ActivityStatus
from lianbing.activities.services.scoring import ScoreError, score_set
from tests.functional.training.conftest import second

from .conftest import TESTED, Activities
from .scores_fixtures import finished, score, scoring, set_status

pytestmark = pytest.mark.django_db


def _list(activities: Activities) -> str:
    return reverse("activities:score", args=[activities.activity.pk])


def _entry(activities: Activities, secondment_id: int) -> str:
    return reverse("activities:score_entry", args=[activities.activity.pk, secondment_id])


def _post(values: tuple[int, ...], comment: str = "", then: str = "list") -> dict[str, str]:
    data = {code: str(v) for code, v in zip(TESTED, values, strict=True)}
    data.update(comment=comment, then=then)
    return data


def test_an_assessor_sees_every_participant_by_group_with_only_their_own_scores_done(
    activities: Activities,
) -> None:
    scoring(activities.activity)
    placed = activities.placed
    score(activities.activity, placed.staff, activities.trainees[0], (3, 4, 5))
    score(activities.activity, placed.mentor, activities.trainees[1], (2, 2, 2))

    page = activities.client("mentor").get(_list(activities)).content.decode()

    assert page.count('data-testid="score-row"') == 12
    assert page.count('data-done="1"') == 1
    assert f'data-secondment="{activities.trainees[1].pk}" data-done="1"' in page
    assert "已评 1 / 12 人" in page


def test_an_assessor_opening_a_sheet_scored_by_someone_else_sees_it_empty(
    activities: Activities,
) -> None:
    scoring(activities.activity)
    target = activities.trainees[2]
    score(activities.activity, activities.placed.staff, target, (5, 5, 5))

    page = activities.client("inspector").get(_entry(activities, target.pk)).content.decode()

    assert page.count('data-testid="score-ability"') == 3
    assert " checked" not in page
    assert 'data-testid="saved"' not in page


def test_a_reader_of_the_activity_who_is_not_its_assessor_is_refused(
    activities: Activities,
) -> None:
    scoring(activities.activity)
    target = activities.trainees[0]

    # 张敏 mentors 王楠楠, a participant: she sees the activity but does not score it.
    listing = activities.client("other_mentor").get(_list(activities))
    entry = activities.client("other_mentor").post(_entry(activities, target.pk), _post((3, 3, 3)))
    trainee = activities.client("trainee").get(_list(activities))

    assert listing.status_code == 403
    assert entry.status_code == 403
    assert trainee.status_code == 403
    assert not ActivityScore.objects.exists()


def test_an_assessor_saves_a_sheet_corrects_it_and_both_are_in_the_audit_trail(
    activities: Activities,
) -> None:
    scoring(activities.activity)
    target = activities.trainees[3]
    client = activities.client("mentor")

    first = client.post(_entry(activities, target.pk), _post((3, 4, 5), "思路清晰"))
    second_ = client.post(_entry(activities, target.pk), _post((4, 4, 5), "思路清晰，表达有力"))

    assert first.status_code == 302
    assert second_.status_code == 302
    saved = ActivityScore.objects.get()
    assert saved.scores == {"decision": 4, "reform": 4, "mass_work": 5}
    assert saved.comment == "思路清晰，表达有力"
    assert saved.assessor == activities.placed.mentor
    events = AuditEvent.objects.filter(
        object_type="activities.ActivityScore", object_id=str(saved.pk)
    )
    assert {e.action for e in events} >= {AuditAction.CREATE, AuditAction.UPDATE}
    page = client.get(_entry(activities, target.pk)).content.decode()
    assert 'id="decision-4" value="4" autocomplete="off" checked' in page


def test_save_and_next_goes_to_the_next_participant_not_yet_scored(
    activities: Activities,
) -> None:
    scoring(activities.activity)
    first, second_, third = activities.trainees[:3]
    score(activities.activity, activities.placed.mentor, second_, (3, 3, 3))

    response = activities.client("mentor").post(
        _entry(activities, first.pk), _post((3, 3, 3), then="next")
    )

    assert response.status_code == 302
    assert response["Location"] == _entry(activities, third.pk)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"decision": "3", "reform": "4"}, "请为“群众工作能力”选择 1–5 分之间的整数。"),
        ({"decision": "3", "reform": "4", "mass_work": "6"}, "群众工作能力"),
        ({"decision": "0", "reform": "4", "mass_work": "3"}, "科学决策能力"),
        ({"decision": "3.5", "reform": "4", "mass_work": "3"}, "科学决策能力"),
    ],
)
def test_a_missing_or_out_of_scale_score_is_refused_and_nothing_is_saved(
    activities: Activities, values: dict[str, str], message: str
) -> None:
    scoring(activities.activity)
    target = activities.trainees[0]

    response = activities.client("mentor").post(_entry(activities, target.pk), values)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ActivityScore.objects.exists()


def test_an_ability_the_activity_does_not_test_is_refused(activities: Activities) -> None:
    scoring(activities.activity)

    with pytest.raises(ScoreError, match=r"政治能力.*不是本场活动考验的能力"):
        score_set(
            activity=activities.activity,
            secondment=activities.trainees[0],
            scores={"decision": 3, "reform": 3, "mass_work": 3, "political": 4},
            by=activities.placed.staff,
        )

    assert not ActivityScore.objects.exists()


def test_someone_who_does_not_take_part_cannot_be_scored(activities: Activities) -> None:
    scoring(activities.activity)
    outsider = second(activities.placed.run, cadre_name="钱多", town="独山港镇")

    page = activities.client("mentor").get(_entry(activities, outsider.pk))
    with pytest.raises(ScoreError, match="不是本场活动的参加成员"):
        score(activities.activity, activities.placed.mentor, outsider, (3, 3, 3))

    assert page.status_code == 404
    assert not ActivityScore.objects.exists()


@pytest.mark.parametrize(
    ("status", "message"),
    [(ActivityStatus.PLANNED, "尚未开始评分"), (ActivityStatus.FINISHED, "已结束")],
)
def test_scores_are_taken_only_while_the_activity_is_scoring(
    activities: Activities, status: str, message: str
) -> None:
    set_status(activities.activity, status)
    client = activities.client("inspector")

    listing = client.get(_list(activities)).content.decode()
    refused = client.post(_entry(activities, activities.trainees[0].pk), _post((3, 3, 3)))

    assert 'data-testid="not-open"' in listing
    assert message in listing
    assert message in refused.content.decode()
    assert not ActivityScore.objects.exists()


def test_a_finished_activity_keeps_the_scores_it_had(activities: Activities) -> None:
    scoring(activities.activity)
    target = activities.trainees[0]
    score(activities.activity, activities.inspector, target, (2, 3, 4))
    finished(activities.activity)

    with pytest.raises(ScoreError, match="已结束"):
        score(activities.activity, activities.inspector, target, (5, 5, 5))

    assert ActivityScore.objects.get().scores == {"decision": 2, "reform": 3, "mass_work": 4}


def test_the_score_sheet_is_built_for_a_tablet(activities: Activities) -> None:
    scoring(activities.activity)

    page = (
        activities.client("staff")
        .get(_entry(activities, activities.trainees[0].pk))
        .content.decode()
    )

    assert "activities/score.css" in page
    assert page.count('class="btn-check" type="radio"') == 15
    assert "基本胜任" in page  # the behavioural anchor of level 3
    assert 'data-testid="save-next"' in page
