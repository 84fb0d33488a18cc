"""The demo's earlier program: four months into its training period the moment the demo loads."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db.models import Count

from lianbing.demand.models import Program
from lianbing.demand.selectors import current_program
from lianbing.demodata.accounts import demo_accounts_ensure
from lianbing.demodata.loader import DemoLoadResult
from lianbing.matching.models import Decision, DecisionKind, MatchRun
from lianbing.training import status
from lianbing.training.access import visible_secondments
from lianbing.training.models import (
    LogComment,
    MonthlyAssessment,
    PlanStatus,
    Secondment,
    TrainingPlan,
    WorkLog,
)

pytestmark = pytest.mark.django_db

TODAY = "2026-05-15"
#: The day ``module_demo`` loads the demo on, once for the module's tests.
DEMO_DAY = TODAY


@pytest.fixture
def loaded(module_demo: DemoLoadResult, settings: Any) -> Program:
    """The demo loaded on 2026-05-15; the earlier program."""
    settings.LIANBING_TODAY = TODAY
    return Program.objects.get(name="2026年度百岗大练兵")


def test_the_earlier_program_started_four_months_before_the_load_date(loaded: Program) -> None:
    current = current_program()

    assert (loaded.started_on, loaded.ended_on) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )
    assert current is not None
    assert current.name == "2027年度百岗大练兵"
    assert current.started_on == datetime.date(2027, 3, 1)
    assert current.posts.count() == 100
    assert not current.secondments.exists()


def test_its_secondments_come_from_a_finalised_run_with_the_articles_pairs_pinned(
    loaded: Program,
) -> None:
    run = MatchRun.objects.get(program=loaded)
    secondments = Secondment.objects.filter(program=loaded)

    assert run.is_finalised
    assert run.finalised_at is not None
    assert run.finalised_at.date() < loaded.started_on
    assert 18 <= secondments.count() <= 22
    assert not secondments.exclude(source_run=run).exists()
    assert not secondments.filter(mentor_confirmed_at__isnull=True).exists()
    pins = Decision.objects.filter(run=run, kind=DecisionKind.PIN).values_list(
        "cadre__name", "post__unit__name", "post__name"
    )
    assert set(pins) == {
        ("王楠楠", "曹桥街道", "文旅发展岗"),
        ("屠东君", "数字化改革专班", "数字化改革岗"),
        ("金伟", "新仓镇", "美丽乡村建设岗"),
        ("孙杰", "新仓镇", "美丽城镇项目建设岗"),
        ("张徐园", "曹桥街道", "科技企业服务岗"),
        ("徐菊", "当湖街道", "治水工作岗"),
    }


def test_sun_jie_trains_at_xincang_with_li_jun_and_every_mentor_has_one_trainee(
    loaded: Program,
) -> None:
    sun = Secondment.objects.select_related("post__unit", "mentor").get(
        program=loaded, cadre__name="孙杰"
    )
    per_mentor = Secondment.objects.filter(program=loaded).values("mentor").annotate(n=Count("id"))

    assert (sun.post.unit.name, sun.post.name) == ("新仓镇", "美丽城镇项目建设岗")
    assert sun.mentor is not None
    assert (sun.mentor.name, sun.mentor.position) == ("李俊", "副镇长")
    assert {row["n"] for row in per_mentor} == {1}


def test_every_trainee_has_an_approved_plan_and_a_few_plans_went_back_and_forth(
    loaded: Program,
) -> None:
    plans = TrainingPlan.objects.filter(secondment__program=loaded)
    secondments = Secondment.objects.filter(program=loaded)

    approved = plans.filter(status=PlanStatus.APPROVED)
    assert approved.count() == secondments.count()
    assert not approved.filter(goals__isnull=True).exists()
    assert {p.milestones.count() for p in approved} == {12}
    returned = plans.filter(status=PlanStatus.RETURNED)
    assert returned.count() == 2
    assert all(p.version == 1 and p.return_reason for p in returned)
    assert plans.filter(status=PlanStatus.SUBMITTED).count() == 1
    goals = [g for p in approved for g in p.goals.all()]
    assert all(g.ability or g.key_task for g in goals)
    assert any(g.key_task for g in goals)


def test_a_few_fourth_milestones_are_late_and_a_few_trainees_are_silent(
    loaded: Program,
) -> None:
    secondments = Secondment.objects.filter(program=loaded)

    late = status.late_milestones().filter(plan__secondment__program=loaded)
    silent = status.silent_secondments(secondments)

    assert 1 <= late.count() <= 4
    assert {m.due_on for m in late} == {datetime.date(2026, 4, 30)}
    assert 2 <= len(silent) <= 3
    assert "孙杰" not in {s.cadre.name for s, _ in silent}
    live = status.live_milestones().filter(plan__secondment__program=loaded)
    assert live.filter(due_on__lt=datetime.date(2026, 4, 1), done_on__isnull=True).count() == 0


def test_logs_come_about_weekly_with_numbers_and_mentors_comment_and_assess(
    loaded: Program,
) -> None:
    logs = WorkLog.objects.filter(secondment__program=loaded)
    assessments = MonthlyAssessment.objects.filter(secondment__program=loaded)
    n = Secondment.objects.filter(program=loaded).count()

    assert logs.count() >= n * 14
    assert all(any(ch.isdigit() for ch in log.results) for log in logs)
    assert not logs.filter(on__gt=datetime.date(2026, 5, 15)).exists()
    assert not logs.filter(on__lt=datetime.date(2026, 1, 1)).exists()
    assert LogComment.objects.filter(log__in=logs).count() >= logs.count() // 5
    for month in (datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)):
        assert assessments.filter(month=month).count() == n
    assert all(1 <= v <= loaded.assessment_scale for a in assessments for v in a.scores.values())
    sun_log = logs.filter(secondment__cadre__name="孙杰").order_by("on").first()
    assert sun_log is not None
    assert sun_log.created_at.date() == sun_log.on


def test_the_mentor_trainee_and_host_accounts_see_earlier_program_work(loaded: Program) -> None:
    demo_accounts_ensure()

    mentor = User.objects.get(username="daoshi")
    trainee = User.objects.get(username="xueyuan")
    host = User.objects.get(username="caoqiao")
    mine = visible_secondments(mentor)
    own = visible_secondments(trainee)
    unit = visible_secondments(host)

    assert [s.cadre.name for s in mine] == ["孙杰"]
    assert [s.cadre.name for s in own] == ["孙杰"]
    assert unit.count() >= 3
    assert {s.post.unit.name for s in unit} == {"曹桥街道"}
    sun = own.get()
    # The demo accounts wrote their own records.
    assert WorkLog.objects.filter(secondment=sun, author=trainee).count() >= 14
    assert LogComment.objects.filter(log__secondment=sun, author=mentor).exists()
    assert MonthlyAssessment.objects.filter(secondment=sun, author=mentor).count() == 3
    assert TrainingPlan.objects.get(secondment=sun, status=PlanStatus.APPROVED).decided_by == (
        User.objects.get(username="ganbuke")
    )
