"""The activity pages: creating one in a series, reading it by role, editing it, its status."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from lianbing.accounts.models import AuditAction, AuditEvent, Role
from lianbing.activities.models import Activity, ActivityScore, ActivityStatus
from lianbing.activities.services import activity as services
from lianbing.activities.services.series import ActivityError
from lianbing.people import services as people_services
from tests import factories

from .conftest import TESTED, Activities, trainee

pytestmark = pytest.mark.django_db


def _form(activities: Activities, **changes: Any) -> dict[str, Any]:
    placed = activities.placed
    data: dict[str, Any] = {
        "kind": "forum",
        "title": "青年干部论坛：数字乡村",
        "topic": "如何用数字化手段提升基层治理效能？",
        "held_on": "2026-08-20",
        "place": "市委党校报告厅",
        "abilities": ["mass_work", "research"],
        "all_participants": "on",
        "assessors": [placed.staff.pk, placed.mentor.pk],
        "group_size": 5,
        "scale_min": 1,
        "scale_max": 5,
        "anchors": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _detail(activities: Activities, who: str, activity: Activity | None = None) -> Any:
    target = activity or activities.activity
    return activities.client(who).get(reverse("activities:activity_detail", args=[target.pk]))


def test_the_department_creates_a_forum_for_everyone_with_the_default_anchors(
    activities: Activities,
) -> None:
    client = activities.client("staff")
    url = reverse("activities:activity_create", args=[activities.series.pk])

    page = client.get(url)
    response = client.post(url, _form(activities))

    made = Activity.objects.get(title="青年干部论坛：数字乡村")
    assert page.status_code == 200
    assert 'name="all_participants"' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:activity_detail", args=[made.pk])
    assert made.participants.count() == len(activities.trainees)
    assert set(made.assessors.all()) == {activities.placed.staff, activities.placed.mentor}
    # In the order of the seven abilities, not the order ticked.
    assert made.abilities == ["research", "mass_work"]
    assert made.anchors == services.DEFAULT_ANCHORS
    assert made.status == ActivityStatus.PLANNED
    assert AuditEvent.objects.filter(
        object_type="activities.Activity", object_id=str(made.pk), action=AuditAction.CREATE
    ).exists()


def test_an_activity_with_chosen_participants_and_own_anchors(activities: Activities) -> None:
    client = activities.client("staff")
    chosen = activities.trainees[:6]

    client.post(
        reverse("activities:activity_create", args=[activities.series.pk]),
        _form(
            activities,
            all_participants=None,
            participants=[s.pk for s in chosen],
            anchors="1：不足\n5：突出",
        ),
    )

    made = Activity.objects.get(title="青年干部论坛：数字乡村")
    assert set(made.participants.all()) == set(chosen)
    assert made.anchors == {"1": "不足", "5": "突出"}


def test_an_activity_without_abilities_is_refused(activities: Activities) -> None:
    client = activities.client("staff")

    response = client.post(
        reverse("activities:activity_create", args=[activities.series.pk]),
        _form(activities, abilities=[]),
    )

    assert response.status_code == 200
    assert not Activity.objects.filter(title="青年干部论坛：数字乡村").exists()


def test_an_anchor_off_the_scale_is_refused(activities: Activities) -> None:
    client = activities.client("staff")

    response = client.post(
        reverse("activities:activity_create", args=[activities.series.pk]),
        _form(activities, anchors="7：超出"),
    )

    assert "行为锚定的分值 7 超出了量表 1–5" in response.content.decode()
    assert not Activity.objects.filter(title="青年干部论坛：数字乡村").exists()


def test_a_trainee_cannot_create_or_edit_an_activity(activities: Activities) -> None:
    client = activities.client("trainee")

    create = client.post(
        reverse("activities:activity_create", args=[activities.series.pk]), _form(activities)
    )
    edit = client.post(
        reverse("activities:activity_edit", args=[activities.activity.pk]),
        _form(activities, title="改名"),
    )
    status = client.post(
        reverse("activities:activity_status", args=[activities.activity.pk]), {"to": "scoring"}
    )

    assert (create.status_code, edit.status_code, status.status_code) == (403, 403, 403)
    assert Activity.objects.count() == 1
    activities.activity.refresh_from_db()
    assert activities.activity.title == "无领导小组讨论：强村富民"
    assert activities.activity.status == ActivityStatus.PLANNED


def test_a_trainee_reads_their_activity_on_a_phone_without_the_department_buttons(
    activities: Activities,
) -> None:
    response = _detail(activities, "trainee")

    html = response.content.decode()
    assert response.status_code == 200
    assert "如何发展村级集体经济、带动农民增收？" in html
    assert "科学决策能力" in html
    assert 'name="viewport"' in html
    assert 'data-testid="activity-edit"' not in html
    assert 'data-testid="start-scoring"' not in html
    assert 'data-testid="assessors"' not in html


@pytest.mark.parametrize(
    "who", ["staff", "auditor", "mentor", "host", "other_trainee", "inspector"]
)
def test_everyone_the_activity_concerns_opens_it(activities: Activities, who: str) -> None:
    response = _detail(activities, who)

    assert response.status_code == 200


def test_an_outsider_gets_404_on_another_programs_activity(activities: Activities) -> None:
    other_run = factories.match_run(activities.placed.staff)
    theirs = trainee(
        other_run,
        name="外人",
        town="独山港镇",
        origin="市商务局",
        category="economy",
        abilities=(70, 70, 70, 70, 70, 70, 70),
    )
    outsider = factories.account(Role.TRAINEE, cadre_=theirs.cadre)
    client = activities.client("staff")
    client.force_login(outsider)

    detail = client.get(reverse("activities:activity_detail", args=[activities.activity.pk]))
    series = client.get(reverse("activities:series_detail", args=[activities.series.pk]))

    assert detail.status_code == 404
    assert series.status_code == 404


def test_an_outside_mentor_and_host_get_404(activities: Activities) -> None:
    mentor = factories.account(
        Role.MENTOR,
        mentor=people_services.mentor_create(
            code="M-外", name="外导师", unit=factories.unit("独山港镇", kind="town")
        ),
    )
    host = factories.account(Role.HOST_CONTACT, unit_=factories.unit("黄姑镇", kind="town"))

    codes = []
    for user in (mentor, host):
        client = activities.client("staff")
        client.force_login(user)
        codes.append(
            client.get(
                reverse("activities:activity_detail", args=[activities.activity.pk])
            ).status_code
        )

    assert codes == [404, 404]


def test_the_department_edits_a_planned_activity(activities: Activities) -> None:
    client = activities.client("staff")
    url = reverse("activities:activity_edit", args=[activities.activity.pk])
    kept = activities.trainees[:8]

    page = client.get(url)
    response = client.post(
        url,
        _form(
            activities,
            kind="discussion",
            title="无领导小组讨论：强村富民（改）",
            all_participants=None,
            participants=[s.pk for s in kept],
            abilities=list(TESTED),
            anchors="1：明显不足\n5：突出",
        ),
    )

    activities.activity.refresh_from_db()
    assert page.status_code == 200
    assert response.status_code == 302
    assert activities.activity.title == "无领导小组讨论：强村富民（改）"
    assert set(activities.activity.participants.all()) == set(kept)
    assert AuditEvent.objects.filter(
        object_type="activities.Activity", detail__startswith="移出参加成员"
    ).exists()


def test_once_scores_exist_the_abilities_and_scale_are_locked(activities: Activities) -> None:
    staff = activities.placed.staff
    services.activity_status_set(activity=activities.activity, to="scoring", by=staff)
    ActivityScore.objects.create(
        activity=activities.activity,
        assessor=staff,
        secondment=activities.trainees[0],
        scores={"decision": 4, "reform": 3, "mass_work": 5},
    )
    client = activities.client("staff")
    url = reverse("activities:activity_edit", args=[activities.activity.pk])

    page = client.get(url)
    client.post(url, _form(activities, title="新名称", abilities=["political"], scale_max=10))

    activities.activity.refresh_from_db()
    assert "考验能力、分值量表和参加成员已锁定" in page.content.decode()
    assert activities.activity.title == "新名称"
    assert activities.activity.abilities == list(TESTED)
    assert activities.activity.scale_max == 5
    with pytest.raises(ActivityError, match="已锁定"):
        services.activity_update(
            activity=activities.activity,
            kind="discussion",
            title="x",
            topic="y",
            held_on=datetime.date(2026, 7, 10),
            place="",
            abilities=["political"],
            participants=activities.trainees,
            assessors=[staff],
            group_size=4,
            scale_min=1,
            scale_max=5,
            anchors={},
            by=staff,
        )


def test_starting_scoring_is_recorded_and_finishing_asks_first(activities: Activities) -> None:
    client = activities.client("staff")
    url = reverse("activities:activity_status", args=[activities.activity.pk])

    started = client.post(url, {"to": "scoring"})
    asked = client.post(url, {"to": "finished"})
    status_after_asking = Activity.objects.get(pk=activities.activity.pk).status
    finished = client.post(url, {"to": "finished", "confirm": "1"})

    activities.activity.refresh_from_db()
    assert started.status_code == 302
    assert asked.status_code == 200
    assert "评分结果将向参加的练兵干部本人" in asked.content.decode()
    assert status_after_asking == ActivityStatus.SCORING
    assert finished.status_code == 302
    assert activities.activity.status == ActivityStatus.FINISHED
    details = list(
        AuditEvent.objects.filter(
            object_type="activities.Activity",
            object_id=str(activities.activity.pk),
            detail__startswith="状态",
        )
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == ["状态：筹备中 → 评分中", "状态：评分中 → 已结束"]


def test_scoring_cannot_start_without_assessors(activities: Activities) -> None:
    activities.activity.assessors.clear()
    client = activities.client("staff")

    response = client.post(
        reverse("activities:activity_status", args=[activities.activity.pk]),
        {"to": "scoring"},
        follow=True,
    )

    assert "还不能开始评分：还没有评分人。" in response.content.decode()
    activities.activity.refresh_from_db()
    assert activities.activity.status == ActivityStatus.PLANNED


def test_a_status_cannot_skip_a_step_or_go_back(activities: Activities) -> None:
    staff = activities.placed.staff

    with pytest.raises(ActivityError, match="不能改为"):
        services.activity_status_set(activity=activities.activity, to="finished", by=staff)
    with pytest.raises(ActivityError, match="无法识别"):
        services.activity_status_set(activity=activities.activity, to="planned", by=staff)


def test_a_finished_activity_is_not_edited(activities: Activities) -> None:
    staff = activities.placed.staff
    services.activity_status_set(activity=activities.activity, to="scoring", by=staff)
    services.activity_status_set(activity=activities.activity, to="finished", by=staff)
    client = activities.client("staff")

    page = client.get(reverse("activities:activity_edit", args=[activities.activity.pk]))
    client.post(
        reverse("activities:activity_edit", args=[activities.activity.pk]),
        _form(activities, title="改名"),
    )

    activities.activity.refresh_from_db()
    assert "活动已结束，不能再修改。" in page.content.decode()
    assert activities.activity.title == "无领导小组讨论：强村富民"


def test_a_participant_of_another_program_is_refused(activities: Activities) -> None:
    stranger = trainee(
        factories.match_run(activities.placed.staff),
        name="外人",
        town="独山港镇",
        origin="市商务局",
        category="economy",
        abilities=(70, 70, 70, 70, 70, 70, 70),
    )

    with pytest.raises(ActivityError, match="外人不是本批次当前在岗练兵的干部"):
        services.activity_create(
            series=activities.series,
            kind="contest",
            title="破难比拼赛",
            topic="题目",
            held_on=datetime.date(2026, 9, 1),
            abilities=["reform"],
            participants=[activities.trainees[0], stranger],
            by=activities.placed.staff,
        )


def test_a_trainee_cannot_be_an_assessor(activities: Activities) -> None:
    with pytest.raises(ActivityError, match="不能担任评分人"):
        services.activity_create(
            series=activities.series,
            kind="contest",
            title="破难比拼赛",
            topic="题目",
            held_on=datetime.date(2026, 9, 1),
            abilities=["reform"],
            participants=activities.trainees,
            assessors=[activities.placed.trainee],
            by=activities.placed.staff,
        )


@pytest.mark.parametrize("extra", [0, 3])
def test_the_activity_page_takes_the_same_queries_however_many_participants(
    activities: Activities, extra: int, django_assert_max_num_queries: Any
) -> None:
    for k in range(extra):
        activities.activity.participants.add(
            trainee(
                activities.placed.run,
                name=f"新人{k}",
                town=f"测试镇{k}",
                origin="市商务局",
                category="economy",
                abilities=(70, 70, 70, 70, 70, 70, 70),
            )
        )
    client = activities.client("staff")

    with django_assert_max_num_queries(14):
        response = client.get(reverse("activities:activity_detail", args=[activities.activity.pk]))

    assert response.content.decode().count("新人") == extra
