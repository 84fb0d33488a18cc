"""考察轮次: the form, the status, the teams and rating with an account, driven through the pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from lianbing.accounts.models import AuditAction, AuditEvent, Role
from lianbing.engine import taxonomy
from lianbing.evaluation.models import (
    Conflict,
    ConflictKind,
    EvaluationRound,
    FormItem,
    InspectionTeam,
    RaterKind,
    Rating,
    RoundStatus,
    TeamMember,
)
from lianbing.evaluation.selectors import rounds as selectors
from lianbing.evaluation.services import rounds as services
from tests import factories
from tests.functional.training.conftest import second

from .conftest import Inspected

pytestmark = pytest.mark.django_db


def _messages(response: HttpResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _draft(inspected: Inspected) -> EvaluationRound:
    """A new draft round of the placed program, created through the page."""
    client = inspected.client("staff")
    response = client.post(
        reverse("evaluation:round_create"),
        {
            "program": inspected.placed.secondment.program_id,
            "name": "期末考察",
            "closes_on": "2026-12-20",
        },
    )
    round_ = EvaluationRound.objects.get(name="期末考察")
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:round_detail", args=[round_.pk])
    return round_


def _scores(round_: EvaluationRound, value: int = 4) -> dict[str, str]:
    return {item.code: str(value) for item in round_.items.all()}


def _rate(client: Client, inspected: Inspected, value: int = 4, comment: str = "") -> HttpResponse:
    url = reverse(
        "evaluation:rate_trainee", args=[inspected.round.pk, inspected.placed.secondment.pk]
    )
    return client.post(url, {**_scores(inspected.round, value), "comment": comment})


# --- The form ------------------------------------------------------------


def test_a_new_round_has_the_default_form_with_anchors(inspected: Inspected) -> None:
    round_ = _draft(inspected)

    items = list(round_.items.all())

    assert round_.status == RoundStatus.DRAFT
    assert [i.label for i in items] == [*taxonomy.ABILITY_LABELS, "现实表现", "岗位适应"]
    assert all((i.scale_min, i.scale_max) == (1, 5) for i in items)
    assert all(set(i.anchors) == {"1", "3", "5"} for i in items)
    mass = next(i for i in items if i.label == "群众工作能力")
    assert mass.anchors["5"] == "能主动走访群众、化解矛盾，群众认可度高"


def test_the_department_edits_adds_and_removes_items_of_a_draft_form(
    inspected: Inspected,
) -> None:
    round_ = _draft(inspected)
    client = inspected.client("staff")
    item = round_.items.get(code="mass_work")
    url = reverse("evaluation:item_save", args=[round_.pk])

    client.post(
        url,
        {
            "item": item.pk,
            f"i{item.pk}-label": "联系服务群众能力",
            f"i{item.pk}-kind": "ability",
            f"i{item.pk}-scale_min": "1",
            f"i{item.pk}-scale_max": "7",
            f"i{item.pk}-anchors": "1：群众不认可\n7：群众普遍称赞",
        },
    )
    client.post(
        url,
        {
            "new-label": "廉洁自律",
            "new-kind": "performance",
            "new-scale_min": "1",
            "new-scale_max": "5",
            "new-anchors": "1=有违规苗头\n5=清正廉洁",
        },
    )
    client.post(
        reverse("evaluation:item_remove", args=[round_.pk, round_.items.get(code="adaptation").pk])
    )

    item.refresh_from_db()
    assert (item.label, item.scale_max) == ("联系服务群众能力", 7)
    assert item.anchors == {"1": "群众不认可", "7": "群众普遍称赞"}
    added = round_.items.get(label="廉洁自律")
    assert added.anchors == {"1": "有违规苗头", "5": "清正廉洁"}
    assert not round_.items.filter(code="adaptation").exists()


def test_an_anchor_outside_the_scale_is_refused(inspected: Inspected) -> None:
    round_ = _draft(inspected)
    item = round_.items.get(code="political")

    response = inspected.client("staff").post(
        reverse("evaluation:item_save", args=[round_.pk]),
        {
            "item": item.pk,
            f"i{item.pk}-label": item.label,
            f"i{item.pk}-kind": "ability",
            f"i{item.pk}-scale_min": "1",
            f"i{item.pk}-scale_max": "5",
            f"i{item.pk}-anchors": "9：超出量表",
        },
    )

    assert "超出了量表" in " ".join(_messages(response))
    item.refresh_from_db()
    assert "9" not in item.anchors


def test_a_round_with_ratings_keeps_its_form(inspected: Inspected) -> None:
    round_ = inspected.round
    _rate(inspected.client("inspector"), inspected)
    # Even back in draft, a round that has ratings keeps its form.
    EvaluationRound.objects.filter(pk=round_.pk).update(status=RoundStatus.DRAFT)
    item = round_.items.get(code="political")
    client = inspected.client("staff")

    edit = client.post(
        reverse("evaluation:item_save", args=[round_.pk]),
        {
            "item": item.pk,
            f"i{item.pk}-label": "改过的名称",
            f"i{item.pk}-kind": "ability",
            f"i{item.pk}-scale_min": "1",
            f"i{item.pk}-scale_max": "5",
        },
    )
    remove = client.post(reverse("evaluation:item_remove", args=[round_.pk, item.pk]))
    page = client.get(reverse("evaluation:round_detail", args=[round_.pk]))

    assert "评价表不能再修改" in " ".join(_messages(edit))
    assert "评价表不能再修改" in " ".join(_messages(remove))
    item.refresh_from_db()
    assert item.label == "政治能力"
    assert page.status_code == 200
    assert 'data-testid="form-locked"' in page.content.decode()


def test_an_open_round_without_ratings_keeps_its_form_too(inspected: Inspected) -> None:
    with pytest.raises(services.RoundError, match="考察开始前"):
        services.form_item_remove(
            round_=inspected.round,
            item=inspected.round.items.first(),  # type: ignore[arg-type]
            by=inspected.placed.staff,
        )


# --- Status --------------------------------------------------------------


def test_a_round_opens_only_with_a_team_covering_a_trainee_with_a_member(
    inspected: Inspected,
) -> None:
    round_ = _draft(inspected)
    staff = inspected.placed.staff
    team = services.team_create(round_=round_, name="第一考察组", by=staff)

    with pytest.raises(services.RoundError, match="至少需要一个"):
        services.round_transition(round_=round_, to=RoundStatus.OPEN, by=staff)
    services.team_cover(team=team, secondment=inspected.placed.secondment, by=staff)
    with pytest.raises(services.RoundError, match="至少需要一个"):
        services.round_transition(round_=round_, to=RoundStatus.OPEN, by=staff)
    services.member_add(
        team=team, kind=RaterKind.PUBLIC, name="村民代表丙", unit="新仓村", by=staff
    )

    opened = services.round_transition(round_=round_, to=RoundStatus.OPEN, by=staff)

    assert opened.status == RoundStatus.OPEN
    assert opened.opened_at is not None


def test_status_moves_forward_after_a_confirmation(inspected: Inspected) -> None:
    client = inspected.client("staff")
    url = reverse("evaluation:round_status", args=[inspected.round.pk])

    asked = client.post(url, {"to": "closed"})
    inspected.round.refresh_from_db()
    assert asked.status_code == 200
    assert "结束后不能再提交评价" in asked.content.decode()
    assert inspected.round.status == RoundStatus.OPEN

    client.post(url, {"to": "closed", "confirm": "1"})
    inspected.round.refresh_from_db()
    assert inspected.round.status == RoundStatus.CLOSED

    client.post(url, {"to": "released", "confirm": "1"})
    inspected.round.refresh_from_db()
    assert inspected.round.status == RoundStatus.RELEASED
    assert inspected.round.released_at is not None


def test_a_status_cannot_be_skipped_or_reversed(inspected: Inspected) -> None:
    client = inspected.client("staff")
    url = reverse("evaluation:round_status", args=[inspected.round.pk])

    skipped = client.post(url, {"to": "released", "confirm": "1"})
    reopened = client.post(url, {"to": "open", "confirm": "1"})

    inspected.round.refresh_from_db()
    assert inspected.round.status == RoundStatus.OPEN
    assert "不能改为“已发布”" in " ".join(_messages(skipped))
    assert "不能改为“评价中”" in " ".join(_messages(reopened))


def test_only_the_department_changes_a_round(inspected: Inspected) -> None:
    with pytest.raises(services.PermissionDenied):
        services.round_transition(
            round_=inspected.round, to=RoundStatus.CLOSED, by=inspected.placed.auditor
        )


# --- Teams ---------------------------------------------------------------


def test_the_department_builds_a_team_through_the_pages(inspected: Inspected) -> None:
    round_ = _draft(inspected)
    client = inspected.client("staff")
    client.post(reverse("evaluation:team_create", args=[round_.pk]), {"name": "第三考察组"})
    team = InspectionTeam.objects.get(round=round_, name="第三考察组")
    members_url = reverse("evaluation:member_add", args=[round_.pk, team.pk])

    client.post(
        reverse("evaluation:team_cover", args=[round_.pk, team.pk]),
        {"secondment": inspected.placed.secondment.pk},
    )
    client.post(members_url, {"kind": "mentor", "mentor": inspected.placed.secondment.mentor_id})
    client.post(
        members_url, {"kind": "host_cadre", "account": inspected.inspector.pk, "unit": "新仓镇"}
    )
    client.post(members_url, {"kind": "public", "name": "王大伯", "unit": "新仓村"})
    page = client.get(reverse("evaluation:round_team", args=[round_.pk, team.pk]))

    assert list(team.secondments.all()) == [inspected.placed.secondment]
    members = {(m.kind, m.name, m.user_id) for m in team.members.all()}
    assert members == {
        (RaterKind.MENTOR, "李俊", inspected.placed.mentor.pk),
        (RaterKind.HOST_CADRE, inspected.inspector.username, inspected.inspector.pk),
        (RaterKind.PUBLIC, "王大伯", None),
    }
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="member"') == 3


def test_a_host_cadre_needs_an_inspector_account_and_a_public_member_a_village(
    inspected: Inspected,
) -> None:
    staff = inspected.placed.staff

    with pytest.raises(services.RoundError, match="考察组成员"):
        services.member_add(
            team=inspected.team, kind=RaterKind.HOST_CADRE, user=inspected.placed.host, by=staff
        )
    with pytest.raises(services.RoundError, match="村（社区）"):
        services.member_add(team=inspected.team, kind=RaterKind.PUBLIC, name="张三", by=staff)


def test_a_mentor_without_an_account_cannot_join(inspected: Inspected) -> None:
    from lianbing.people import services as people_services

    mentor = people_services.mentor_create(
        code="M-noacct", name="赵刚", unit=inspected.placed.secondment.post.unit
    )

    with pytest.raises(services.RoundError, match="还没有账号"):
        services.member_add(
            team=inspected.team, kind=RaterKind.MENTOR, mentor=mentor, by=inspected.placed.staff
        )


def test_only_current_trainees_of_the_program_are_covered(inspected: Inspected) -> None:
    client = inspected.client("staff")

    response = client.post(
        reverse("evaluation:team_cover", args=[inspected.round.pk, inspected.team.pk]),
        {"secondment": inspected.placed.other.pk + 1000},
    )

    assert "当前在岗" in " ".join(_messages(response))
    assert list(inspected.team.secondments.all()) == [inspected.placed.secondment]


def test_a_declared_conflict_warns_when_the_same_person_joins_another_team(
    inspected: Inspected,
) -> None:
    staff = inspected.placed.staff
    services.conflict_declare(
        member=inspected.host_member,
        secondment=inspected.placed.secondment,
        kind=ConflictKind.RELATIVE,
        note="表兄弟",
        by=staff,
    )
    extra = services.team_create(round_=inspected.round, name="第三考察组", by=staff)
    services.team_cover(team=extra, secondment=inspected.placed.secondment, by=staff)
    client = inspected.client("staff")

    response = client.post(
        reverse("evaluation:member_add", args=[inspected.round.pk, extra.pk]),
        {"kind": "host_cadre", "account": inspected.inspector.pk},
    )

    assert any("存在回避情形（亲属关系）" in m for m in _messages(response))
    member = extra.members.get(user=inspected.inspector)
    assert Conflict.objects.filter(member=member, secondment=inspected.placed.secondment).exists()
    assert not services.rateable_secondments(inspected.inspector, inspected.round).exists()


def test_covering_a_trainee_warns_of_a_conflict_declared_before(inspected: Inspected) -> None:
    staff = inspected.placed.staff
    # 周亮 (other team) declared a conflict with 孙杰 once 孙杰 was in his team.
    inspected.other_team.secondments.add(inspected.placed.secondment)
    other_host = inspected.other_team.members.get(kind=RaterKind.HOST_CADRE)
    services.conflict_declare(
        member=other_host,
        secondment=inspected.placed.secondment,
        kind=ConflictKind.SUBORDINATE,
        note="",
        by=staff,
    )
    inspected.other_team.secondments.remove(inspected.placed.secondment)
    client = inspected.client("staff")

    response = client.post(
        reverse("evaluation:team_cover", args=[inspected.round.pk, inspected.other_team.pk]),
        {"secondment": inspected.placed.secondment.pk},
    )

    assert any("周亮与孙杰存在回避情形（直接上下级）" in m for m in _messages(response))
    rateable = services.rateable_secondments(inspected.other_inspector, inspected.round)
    assert list(rateable) == [inspected.placed.other]


def test_a_mentor_is_never_in_conflict_with_their_own_trainee(inspected: Inspected) -> None:
    with pytest.raises(services.RoundError, match="不属于回避情形"):
        services.conflict_declare(
            member=inspected.mentor_member,
            secondment=inspected.placed.secondment,
            kind=ConflictKind.SAME_OFFICE,
            note="",
            by=inspected.placed.staff,
        )


def test_the_coverage_table_counts_raters_per_kind_and_ratings(inspected: Inspected) -> None:
    Conflict.objects.create(
        member=inspected.public_members[0],
        secondment=inspected.placed.secondment,
        kind=ConflictKind.RELATIVE,
    )
    _rate(inspected.client("inspector"), inspected)

    page = selectors.round_page(inspected.round)
    row = next(r for r in page.coverage if r.secondment == inspected.placed.secondment)

    assert row.raters == {"mentor": 1, "host_cadre": 1, "public": 1}
    assert row.excluded == 1
    assert row.total_ratings == 1
    assert row.ratings == {"mentor": 0, "host_cadre": 1, "public": 0}


# --- Rating with an account ----------------------------------------------


def test_a_rater_sees_the_trainees_to_rate_with_their_status(inspected: Inspected) -> None:
    client = inspected.client("inspector")
    listing = client.get(reverse("evaluation:rate", args=[inspected.round.pk]))
    assert 'data-rated="0"' in listing.content.decode()

    form = client.get(
        reverse(
            "evaluation:rate_trainee", args=[inspected.round.pk, inspected.placed.secondment.pk]
        )
    )
    response = _rate(client, inspected, 4, "深入村组，群众口碑好")
    after = client.get(reverse("evaluation:rate", args=[inspected.round.pk]))

    body = form.content.decode()
    assert form.status_code == 200
    assert body.count('type="radio"') == 9 * 5
    assert "能主动走访群众、化解矛盾" not in body  # the fixture's anchors, not the default ones
    assert "基本胜任" in body
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert rating.member == inspected.host_member
    assert rating.scores == {code: 4 for code in _scores(inspected.round)}
    assert rating.comment == "深入村组，群众口碑好"
    assert 'data-rated="1"' in after.content.decode()


def test_a_second_submission_is_refused_and_the_first_kept(inspected: Inspected) -> None:
    client = inspected.client("inspector")
    _rate(client, inspected, 4)

    again = _rate(client, inspected, 1)

    assert "您已评价过该干部" in " ".join(_messages(again))
    assert Rating.objects.count() == 1
    assert set(Rating.objects.get().scores.values()) == {4}


def test_the_database_keeps_one_rating_per_rater_and_trainee(inspected: Inspected) -> None:
    # What decides when two submissions pass the service's checks at once.
    fields = {
        "round": inspected.round,
        "secondment": inspected.placed.secondment,
        "member": inspected.host_member,
        "scores": {"political": 3},
    }
    Rating.objects.create(**fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(**fields)


def test_an_incomplete_form_is_shown_again_with_the_answers(inspected: Inspected) -> None:
    client = inspected.client("inspector")
    url = reverse(
        "evaluation:rate_trainee", args=[inspected.round.pk, inspected.placed.secondment.pk]
    )

    response = client.post(url, {"political": "5", "comment": "较好"})

    assert response.status_code == 200
    assert "请为“调查研究能力”选择 1–5 分" in " ".join(_messages(response))
    assert 'value="5" checked' in response.content.decode()
    assert not Rating.objects.exists()


def test_a_conflict_declared_after_the_team_was_built_is_checked_at_submission(
    inspected: Inspected,
) -> None:
    client = inspected.client("inspector")
    form = client.get(
        reverse(
            "evaluation:rate_trainee", args=[inspected.round.pk, inspected.placed.secondment.pk]
        )
    )
    assert form.status_code == 200
    services.conflict_declare(
        member=inspected.host_member,
        secondment=inspected.placed.secondment,
        kind=ConflictKind.SAME_OFFICE,
        note="",
        by=inspected.placed.staff,
    )

    response = _rate(client, inspected)
    listing = client.get(reverse("evaluation:rate", args=[inspected.round.pk]))

    assert "已申报回避" in " ".join(_messages(response))
    assert not Rating.objects.exists()
    assert 'data-testid="rate-row"' not in listing.content.decode()


def test_a_round_closed_meanwhile_refuses_the_submission(inspected: Inspected) -> None:
    client = inspected.client("mentor")
    EvaluationRound.objects.filter(pk=inspected.round.pk).update(status=RoundStatus.CLOSED)

    response = _rate(client, inspected)

    assert "不在评价期内" in " ".join(_messages(response))
    assert not Rating.objects.exists()


def test_a_rater_opens_only_the_trainees_their_team_covers(inspected: Inspected) -> None:
    client = inspected.client("inspector")
    other = reverse("evaluation:rate_trainee", args=[inspected.round.pk, inspected.placed.other.pk])

    assert client.get(other).status_code == 404
    assert client.post(other, _scores(inspected.round)).status_code == 404
    assert not Rating.objects.exists()


def test_a_rater_sees_only_their_own_ratings(inspected: Inspected) -> None:
    _rate(inspected.client("mentor"), inspected, 5)
    client = inspected.client("inspector")

    listing = client.get(reverse("evaluation:rate", args=[inspected.round.pk]))
    form = client.get(
        reverse(
            "evaluation:rate_trainee", args=[inspected.round.pk, inspected.placed.secondment.pk]
        )
    )

    assert 'data-rated="0"' in listing.content.decode()
    assert form.status_code == 200
    assert "checked" not in form.content.decode()


def test_a_rater_outside_every_team_of_the_round_gets_404(inspected: Inspected) -> None:
    outsider = factories.account(Role.INSPECTOR, username="kaocha9")
    client = Client()
    client.force_login(outsider)

    assert client.get(reverse("evaluation:rate", args=[inspected.round.pk])).status_code == 404


def test_the_round_list_shows_a_rater_their_open_rounds(inspected: Inspected) -> None:
    response = inspected.client("inspector").get(reverse("evaluation:round_list"))

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-testid="rater-round"') == 1
    assert "已评 0 / 1" in body
    assert 'data-testid="round-create"' not in body


# --- Pages per role ------------------------------------------------------


def test_the_department_and_the_auditor_read_the_round_page(inspected: Inspected) -> None:
    url = reverse("evaluation:round_detail", args=[inspected.round.pk])

    staff = inspected.client("staff").get(url)
    auditor = inspected.client("auditor").get(url)

    assert staff.status_code == 200
    assert 'data-testid="status-actions"' in staff.content.decode()
    assert auditor.status_code == 200
    assert 'data-testid="status-actions"' not in auditor.content.decode()
    assert auditor.content.decode().count('data-testid="coverage-row"') == 2


def test_the_auditor_may_not_change_anything(inspected: Inspected) -> None:
    client = inspected.client("auditor")
    round_id = inspected.round.pk

    posts = [
        reverse("evaluation:round_status", args=[round_id]),
        reverse("evaluation:team_create", args=[round_id]),
        reverse("evaluation:member_add", args=[round_id, inspected.team.pk]),
        reverse("evaluation:conflict_declare", args=[round_id, inspected.team.pk]),
    ]

    assert {client.post(url, {"to": "closed", "confirm": "1"}).status_code for url in posts} == {
        403
    }
    inspected.round.refresh_from_db()
    assert inspected.round.status == RoundStatus.OPEN


@pytest.mark.parametrize("who", ["trainee", "host", "mentor"])
def test_round_pages_are_closed_to_trainees_host_contacts_and_raters(
    inspected: Inspected, who: str
) -> None:
    client = inspected.client(who)

    detail = client.get(reverse("evaluation:round_detail", args=[inspected.round.pk]))
    team = client.get(
        reverse("evaluation:round_team", args=[inspected.round.pk, inspected.team.pk])
    )

    assert (detail.status_code, team.status_code) == (403, 403)


@pytest.mark.parametrize("who", ["trainee", "host", "staff", "auditor"])
def test_only_account_raters_open_the_rating_pages(inspected: Inspected, who: str) -> None:
    client = inspected.client(who)

    response = _rate(client, inspected)

    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_a_team_of_another_round_is_not_found(inspected: Inspected) -> None:
    round_ = _draft(inspected)

    response = inspected.client("staff").get(
        reverse("evaluation:round_team", args=[round_.pk, inspected.team.pk])
    )

    assert response.status_code == 404


def test_the_round_list_groups_rounds_by_program_for_the_department(inspected: Inspected) -> None:
    _draft(inspected)

    response = inspected.client("staff").get(reverse("evaluation:round_list"))

    body = response.content.decode()
    assert body.count('data-testid="round-row"') == 2
    assert 'data-testid="round-create"' in body
    assert datetime.date(2026, 12, 20).isoformat() in body
    assert FormItem.objects.filter(round__name="期末考察").count() == 9
    assert TeamMember.objects.count() == 6


def test_a_draft_round_page_says_what_is_missing_before_it_opens(inspected: Inspected) -> None:
    round_ = _draft(inspected)

    body = inspected.client("staff").get(reverse("evaluation:round_detail", args=[round_.pk]))

    html = body.content.decode()
    assert 'data-testid="open-problems"' in html
    assert 'data-testid="item-add"' in html
    assert html.count('data-testid="form-item"') == 9


def _more_teams(inspected: Inspected, count: int) -> None:
    staff = inspected.placed.staff
    for k in range(count):
        s = second(
            inspected.placed.run, cadre_name=f"干部{k}", town=f"测试镇{k}", mentor_name=f"导师{k}"
        )
        team = services.team_create(round_=inspected.round, name=f"考察组{k}", by=staff)
        services.team_cover(team=team, secondment=s, by=staff)
        member = services.member_add(
            team=team, kind=RaterKind.PUBLIC, name=f"代表{k}", unit="某村", by=staff
        ).member
        Rating.objects.create(
            round=inspected.round, secondment=s, member=member, scores={"political": 3}
        )
        services.conflict_declare(
            member=member, secondment=s, kind=ConflictKind.RELATIVE, note="", by=staff
        )


@pytest.mark.parametrize("extra", [0, 5])
def test_the_round_and_team_pages_take_the_same_queries_however_many_teams(
    inspected: Inspected, extra: int, django_assert_max_num_queries: Any
) -> None:
    _more_teams(inspected, extra)
    client = inspected.client("staff")

    with django_assert_max_num_queries(10):
        detail = client.get(reverse("evaluation:round_detail", args=[inspected.round.pk]))
    with django_assert_max_num_queries(12):
        team = client.get(
            reverse("evaluation:round_team", args=[inspected.round.pk, inspected.team.pk])
        )

    assert detail.content.decode().count('data-testid="coverage-row"') == 2 + extra
    assert team.status_code == 200


def test_changes_of_the_covered_trainees_are_in_the_audit_trail(inspected: Inspected) -> None:
    staff = inspected.placed.staff

    services.team_cover(team=inspected.team, secondment=inspected.placed.other, by=staff)
    services.team_uncover(team=inspected.team, secondment=inspected.placed.other, by=staff)

    events = AuditEvent.objects.filter(
        object_type="evaluation.InspectionTeam",
        object_id=str(inspected.team.pk),
        action=AuditAction.UPDATE,
    ).order_by("pk")
    assert [e.detail for e in events] == ["加入考察对象：王楠楠", "移出考察对象：王楠楠"]
    assert {e.username for e in events} == {staff.username}
