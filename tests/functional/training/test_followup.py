"""Follow-up (跟踪督办): the overview's rules with a fixed clock, each role's due items, the daily reminder.

The clock is fixed at 2026-05-15 (a Friday); the placed pairs started on
2026-03-01, 12 months, in a program whose log gap is the default 14 days.
Plans, milestones, logs and assessments are written straight with the ORM.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client

from lianbing.accounts.models import Role
from lianbing.training.models import (
    LogComment,
    Milestone,
    MonthlyAssessment,
    PlanComment,
    PlanStatus,
    ReminderSent,
    Secondment,
    TrainingPlan,
    WorkLog,
)
from lianbing.training.selectors import followup, home
from lianbing.training.services.followup import addresses_of
from tests import factories

from .conftest import Placed, _second

pytestmark = pytest.mark.django_db

TODAY = "2026-05-15"
D = datetime.date


@pytest.fixture(autouse=True)
def _fixed_clock(settings: Any) -> None:
    settings.LIANBING_TODAY = TODAY


def _plan(
    secondment: Secondment, status: str = PlanStatus.APPROVED, *, version: int = 1
) -> TrainingPlan:
    return TrainingPlan.objects.create(
        secondment=secondment,
        version=version,
        status=status,
        duties="推进基层治理",
        return_reason="请补充每月的量化目标" if status == PlanStatus.RETURNED else "",
    )


def _milestone(plan: TrainingPlan, due_on: datetime.date, *, done_on: Any = None) -> Milestone:
    return Milestone.objects.create(
        plan=plan, due_on=due_on, title=f"节点{due_on:%m%d}", done_on=done_on
    )


def _log(secondment: Secondment, on: datetime.date, author: User) -> WorkLog:
    return WorkLog.objects.create(
        secondment=secondment, on=on, work="走访农户", results="走访 23 户", author=author
    )


def _assess(secondment: Secondment, month: datetime.date, author: User) -> MonthlyAssessment:
    return MonthlyAssessment.objects.create(
        secondment=secondment,
        month=month,
        scores={"mass_work": 4},
        remark="进步明显",
        author=author,
    )


def _quiet(placed: Placed) -> None:
    """Both pairs fully up to date: approved plans, a fresh log, April assessed."""
    for s in (placed.secondment, placed.other):
        _plan(s)
        _log(s, D(2026, 5, 14), placed.trainee)
        _assess(s, D(2026, 4, 1), placed.mentor)


def _overview(client: Client, query: str = "") -> str:
    response = client.get(f"/training/overview/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _rows(html: str, testid: str, attr: str = "data-secondment") -> set[int]:
    return {int(m) for m in re.findall(rf'data-testid="{testid}"[^>]*?{attr}="(\d+)"', html)}


def _plan_rows(html: str) -> dict[int, str]:
    return {
        int(pk): status
        for pk, status in re.findall(
            r'data-testid="plan-row" data-secondment="(\d+)" data-status="(\w+)"', html
        )
    }


# --------------------------------------------------------------------------- overview: rules


def test_a_log_exactly_n_days_old_is_in_time_and_one_day_older_is_not(placed: Placed) -> None:
    _quiet(placed)
    _log(placed.secondment, D(2026, 5, 1), placed.trainee)  # 14 days before the 15th
    WorkLog.objects.filter(secondment=placed.secondment, on=D(2026, 5, 14)).delete()
    _log(placed.other, D(2026, 4, 30), placed.other_trainee)  # 15 days
    WorkLog.objects.filter(secondment=placed.other, on=D(2026, 5, 14)).delete()

    html = _overview(placed.client("staff"))

    assert _rows(html, "silent-row") == {placed.other.pk}
    assert "2026-04-30" in html


def test_a_trainee_without_any_log_is_silent_counted_from_the_start(
    placed: Placed, settings: Any
) -> None:
    _quiet(placed)
    WorkLog.objects.filter(secondment=placed.secondment).delete()

    settings.LIANBING_TODAY = "2026-03-15"  # 14 days after the start
    assert _rows(_overview(placed.client("staff")), "silent-row") == set()
    settings.LIANBING_TODAY = "2026-03-16"
    html = _overview(placed.client("staff"))

    assert _rows(html, "silent-row") == {placed.secondment.pk}
    assert "尚无日志" in html


def test_the_log_gap_is_the_programs_own(placed: Placed) -> None:
    _quiet(placed)
    WorkLog.objects.filter(secondment=placed.secondment).delete()
    _log(placed.secondment, D(2026, 5, 5), placed.trainee)  # 10 days
    placed.secondment.program.log_gap_days = 7
    placed.secondment.program.save()

    html = _overview(placed.client("staff"))

    assert _rows(html, "silent-row") == {placed.secondment.pk}
    assert "超过 7 天未填写练兵日志" in html


def test_a_milestone_is_late_the_day_after_its_due_date_unless_done(placed: Placed) -> None:
    _quiet(placed)
    plan = TrainingPlan.objects.get(secondment=placed.secondment)
    late = _milestone(plan, D(2026, 5, 14))
    _milestone(plan, D(2026, 5, 15))  # due today: still on track
    _milestone(plan, D(2026, 4, 30), done_on=D(2026, 5, 2))  # done late: done
    draft = _plan(placed.other, PlanStatus.DRAFT, version=2)
    _milestone(draft, D(2026, 4, 1))  # not an approved plan: does not count

    html = _overview(placed.client("staff"))

    assert _rows(html, "late-row", "data-milestone") == {late.pk}
    assert f"/training/{placed.secondment.pk}/plan/" in html


@pytest.mark.parametrize(
    ("versions", "shown"),
    [
        ([], "none"),
        ([PlanStatus.DRAFT], "draft"),
        ([PlanStatus.SUBMITTED], "submitted"),
        ([PlanStatus.RETURNED], "returned"),
        ([PlanStatus.RETURNED, PlanStatus.DRAFT], "draft"),
        ([PlanStatus.APPROVED], None),
        ([PlanStatus.APPROVED, PlanStatus.SUBMITTED], None),
    ],
)
def test_a_plan_without_an_approved_version_is_listed_with_its_newest_status(
    placed: Placed, versions: list[str], shown: str | None
) -> None:
    _plan(placed.other)
    for number, status in enumerate(versions, start=1):
        _plan(placed.secondment, status, version=number)

    html = _overview(placed.client("staff"))

    expected = {} if shown is None else {placed.secondment.pk: shown}
    assert _plan_rows(html) == expected


def test_the_plan_status_is_named_in_chinese(placed: Placed) -> None:
    _plan(placed.secondment, PlanStatus.RETURNED)

    html = _overview(placed.client("staff"))

    assert "已退回" in html
    assert "未起草" in html  # the other pair has no plan


def test_the_previous_full_month_must_be_assessed(placed: Placed) -> None:
    _assess(placed.other, D(2026, 4, 1), placed.other_mentor)
    _assess(placed.secondment, D(2026, 5, 1), placed.mentor)  # this month's does not count

    html = _overview(placed.client("staff"))

    assert _rows(html, "assessment-row") == {placed.secondment.pk}
    assert "2026年4月" in html


@pytest.mark.parametrize(
    ("started_on", "expected"),
    [(D(2026, 4, 1), True), (D(2026, 4, 2), False), (D(2026, 3, 31), True)],
)
def test_a_month_is_assessed_when_the_pair_was_under_way_on_its_first_day(
    placed: Placed, started_on: datetime.date, expected: bool
) -> None:
    Secondment.objects.filter(pk=placed.secondment.pk).update(started_on=started_on)

    html = _overview(placed.client("staff"))

    assert (placed.secondment.pk in _rows(html, "assessment-row")) is expected


@pytest.mark.parametrize(
    ("today", "month"), [("2026-05-01", "2026年4月"), ("2026-04-30", "2026年3月")]
)
def test_the_month_to_assess_turns_on_the_first(
    placed: Placed, settings: Any, today: str, month: str
) -> None:
    settings.LIANBING_TODAY = today

    html = _overview(placed.client("staff"))

    assert f"未填写 {month} 月度评价的导师" in html
    assert _rows(html, "assessment-row") == {placed.secondment.pk, placed.other.pk}


def test_an_unconfirmed_pair_is_listed_and_owes_no_assessment(placed: Placed) -> None:
    _quiet(placed)
    MonthlyAssessment.objects.filter(secondment=placed.secondment).delete()
    Secondment.objects.filter(pk=placed.secondment.pk).update(mentor_confirmed_at=None)

    html = _overview(placed.client("staff"))

    assert _rows(html, "unconfirmed-row") == {placed.secondment.pk}
    assert _rows(html, "assessment-row") == set()


def test_everything_up_to_date_says_so(placed: Placed) -> None:
    _quiet(placed)

    html = _overview(placed.client("staff"))

    assert 'data-testid="all-clear"' in html


def test_the_unit_table_counts_each_rule_per_host_unit(placed: Placed) -> None:
    _quiet(placed)
    WorkLog.objects.filter(secondment=placed.secondment).delete()
    plan = TrainingPlan.objects.get(secondment=placed.secondment)
    _milestone(plan, D(2026, 5, 1))
    _milestone(plan, D(2026, 5, 2))
    TrainingPlan.objects.filter(secondment=placed.other).delete()
    _plan(placed.other, PlanStatus.SUBMITTED)

    report = followup.followup_overview(user=placed.staff)

    rows = {u.name: u for u in report.units}
    assert (rows["新仓镇"].trainees, rows["新仓镇"].silent, rows["新仓镇"].late) == (1, 1, 2)
    assert (rows["新仓镇"].open_plans, rows["曹桥街道"].open_plans) == (0, 1)
    assert report.total.trainees == 2
    assert (report.total.late, report.total.open_plans, report.total.silent) == (2, 1, 1)


# --------------------------------------------------------------------------- overview: who, which program


def test_a_host_contact_sees_only_the_own_unit(placed: Placed) -> None:
    html = _overview(placed.client("host"))

    assert _rows(html, "silent-row") == {placed.secondment.pk}
    assert _rows(html, "plan-row") == {placed.secondment.pk}
    assert "曹桥街道" not in html
    assert "仅显示本单位" in html


def test_the_other_host_contact_sees_only_theirs(placed: Placed) -> None:
    html = _overview(placed.client("other_host"))

    assert _rows(html, "plan-row") == {placed.other.pk}
    assert "新仓镇" not in html


def test_the_auditor_reads_the_overview(placed: Placed) -> None:
    html = _overview(placed.client("auditor"))

    assert _rows(html, "plan-row") == {placed.secondment.pk, placed.other.pk}


@pytest.mark.parametrize("who", ["mentor", "trainee", "other_mentor", "other_trainee"])
def test_mentors_and_trainees_may_not_open_the_overview(placed: Placed, who: str) -> None:
    assert placed.client(who).get("/training/overview/").status_code == 403


def test_the_current_program_without_secondments_falls_back_to_one_with(
    placed: Placed,
) -> None:
    factories.program("二〇二七年批次")  # the newest, so the current program

    html = _overview(placed.client("staff"))

    assert placed.secondment.program.name in html
    assert "二〇二七年批次" not in html  # no secondments: not offered


def test_another_program_is_chosen_by_the_select(placed: Placed, user: User) -> None:
    run = factories.match_run(user)
    third = _second(run, cadre_name="韩文霞", town="乍浦镇", mentor_name="周明")

    html = _overview(placed.client("staff"))
    chosen = _overview(placed.client("staff"), f"?program={placed.secondment.program_id}")

    assert 'data-testid="program-form"' in html
    assert _rows(html, "plan-row") == {third.pk}  # the newest program by default
    assert _rows(chosen, "plan-row") == {placed.secondment.pk, placed.other.pk}


def test_a_program_out_of_scope_is_not_found(placed: Placed, user: User) -> None:
    run = factories.match_run(user)
    _second(run, cadre_name="韩文霞", town="乍浦镇", mentor_name="周明")

    response = placed.client("host").get(f"/training/overview/?program={run.program_id}")

    assert response.status_code == 404


def test_no_secondments_yet_says_what_comes(user: User) -> None:
    client = Client()
    client.force_login(user)

    html = _overview(client)

    assert 'data-testid="overview-empty"' in html


def _more_pairs(placed: Placed, count: int) -> None:
    run = placed.secondment.source_run
    for k in range(count):
        s = _second(run, cadre_name=f"干部{k}", town=f"测试镇{k}", mentor_name=f"导师{k}")
        plan = _plan(s, PlanStatus.APPROVED if k % 2 else PlanStatus.RETURNED)
        _milestone(plan, D(2026, 4, 1))
        _log(s, D(2026, 4, 1), placed.staff)
        if k % 3 == 0:
            Secondment.objects.filter(pk=s.pk).update(mentor_confirmed_at=None)


@pytest.mark.parametrize("extra", [0, 6])
def test_the_overview_takes_the_same_queries_however_many_pairs(
    placed: Placed, extra: int, django_assert_max_num_queries: Any
) -> None:
    _more_pairs(placed, extra)
    client = placed.client("staff")

    with django_assert_max_num_queries(7):
        html = _overview(client)

    assert len(_rows(html, "silent-row")) == 2 + extra


# --------------------------------------------------------------------------- home page: what is due


def _dashboard(placed: Placed, who: str) -> str:
    response = placed.client(who).get("/")
    assert response.status_code == 200
    return response.content.decode()


def _kinds(html: str) -> set[str]:
    return set(re.findall(r'data-testid="due-item" data-kind="([\w-]+)"', html))


def test_the_trainee_sees_the_own_post_mentor_and_dates(placed: Placed) -> None:
    html = _dashboard(placed, "trainee")

    card = html[html.index('data-testid="placement-card"') :]
    assert "基层治理岗" in card
    assert "新仓镇" in card
    assert "李俊" in card
    assert "2026年3月1日—2027年2月28日（12 个月）" in card
    assert f"/training/{placed.secondment.pk}/" in card


def test_a_cadre_without_a_post_is_told_what_comes(placed: Placed) -> None:
    loner = factories.account(Role.TRAINEE, cadre_=factories.cadre(name="未到岗"))
    client = Client()
    client.force_login(loner)

    html = client.get("/").content.decode()

    assert 'data-testid="placement-empty"' in html
    assert 'data-testid="due-empty"' in html


def test_the_trainee_is_due_a_log_late_and_coming_milestones_and_a_plan_to_read(
    placed: Placed,
) -> None:
    approved = _plan(placed.secondment)
    _milestone(approved, D(2026, 5, 10))
    _milestone(approved, D(2026, 5, 28))
    _milestone(approved, D(2026, 6, 3))  # next month: not yet
    _plan(placed.secondment, PlanStatus.SUBMITTED, version=2)

    html = _dashboard(placed, "trainee")

    assert _kinds(html) == {"log-gap", "late", "due-month", "plan-read"}
    assert "节点0528" in html
    assert "节点0603" not in html


def test_a_comment_on_the_submitted_plan_settles_it_for_the_trainee(placed: Placed) -> None:
    plan = _plan(placed.secondment, PlanStatus.SUBMITTED)
    PlanComment.objects.create(plan=plan, author=placed.trainee, text="同意")

    assert "plan-read" not in _kinds(_dashboard(placed, "trainee"))


def test_the_trainee_up_to_date_has_nothing_due(placed: Placed) -> None:
    _quiet(placed)

    html = _dashboard(placed, "trainee")

    assert _kinds(html) == set()
    assert "暂无待办" in html


def test_the_mentor_is_due_a_plan_to_draft_a_log_to_comment_and_the_assessments(
    placed: Placed,
) -> None:
    _log(placed.secondment, D(2026, 5, 12), placed.trainee)
    _log(placed.other, D(2026, 5, 12), placed.other_trainee)  # not the mentor's trainee

    html = _dashboard(placed, "mentor")

    assert _kinds(html) == {"plan-draft", "log-comment", "assessment", "assessment-month"}
    assert "王楠楠" not in html
    assert "孙杰 2026年4月 的月度评价未填写" in html


def test_the_mentor_revises_a_returned_plan_and_follows_late_milestones(placed: Placed) -> None:
    approved = _plan(placed.secondment)
    _milestone(approved, D(2026, 5, 1))
    _plan(placed.secondment, PlanStatus.RETURNED, version=2)
    _log(placed.secondment, D(2026, 5, 12), placed.trainee)
    _assess(placed.secondment, D(2026, 4, 1), placed.mentor)
    _assess(placed.secondment, D(2026, 5, 1), placed.mentor)

    html = _dashboard(placed, "mentor")

    assert _kinds(html) == {"plan-return", "log-comment", "late"}
    assert "第 2 版练兵计划被退回" in html


@pytest.mark.parametrize(("on", "due"), [(D(2026, 5, 1), True), (D(2026, 4, 30), False)])
def test_a_log_awaits_a_comment_for_n_days(placed: Placed, on: datetime.date, due: bool) -> None:
    _log(placed.secondment, on, placed.trainee)

    assert ("log-comment" in _kinds(_dashboard(placed, "mentor"))) is due


def test_a_commented_log_awaits_nothing(placed: Placed) -> None:
    log = _log(placed.secondment, D(2026, 5, 12), placed.trainee)
    LogComment.objects.create(log=log, author=placed.mentor, text="很好")

    assert "log-comment" not in _kinds(_dashboard(placed, "mentor"))


def test_the_host_contact_follows_the_own_units_late_items(placed: Placed) -> None:
    _quiet(placed)
    for s in (placed.secondment, placed.other):
        _milestone(TrainingPlan.objects.get(secondment=s), D(2026, 5, 1))

    html = _dashboard(placed, "host")

    assert _kinds(html) == {"late"}
    assert "孙杰" in html
    assert "王楠楠" not in html


def test_the_department_is_due_approvals_pairings_silences_and_late_milestones(
    placed: Placed,
) -> None:
    _milestone(_plan(placed.secondment), D(2026, 5, 1))
    _plan(placed.other, PlanStatus.SUBMITTED)
    Secondment.objects.filter(pk=placed.other.pk).update(mentor_confirmed_at=None)

    html = _dashboard(placed, "staff")

    assert _kinds(html) == {"plan-submitted", "pairing", "log-gap", "late"}
    assert "王楠楠 的第 1 版练兵计划待审批" in html
    assert "/training/overview/" in html


def test_several_items_of_a_kind_link_the_department_to_the_overview(placed: Placed) -> None:
    items = {i.kind: i for i in home.due_items(placed.staff)}

    assert items["log-gap"].count == 2
    assert items["log-gap"].url == "/training/overview/"


def test_an_inspector_has_nothing_due(placed: Placed) -> None:
    client = Client()
    client.force_login(factories.account(Role.INSPECTOR))

    html = client.get("/").content.decode()

    assert 'data-testid="due-empty"' in html
    assert 'data-testid="placement-card"' not in html


def test_the_dashboard_keeps_its_figures(placed: Placed) -> None:
    html = _dashboard(placed, "staff")

    assert html.index('data-testid="due-card"') < html.index('data-testid="counts"')


QUERIES = {"staff": 4, "mentor": 3, "trainee": 4, "host": 2}


@pytest.mark.parametrize("extra", [0, 6])
@pytest.mark.parametrize("who", list(QUERIES))
def test_the_due_items_take_the_same_queries_however_many_pairs(
    placed: Placed, extra: int, who: str, django_assert_max_num_queries: Any
) -> None:
    _more_pairs(placed, extra)
    # The extra pairs are all the mentor's own trainees too.
    Secondment.objects.exclude(pk=placed.other.pk).filter(mentor_confirmed_at__isnull=False).update(
        mentor=placed.secondment.mentor
    )
    account = getattr(placed, who)

    with django_assert_max_num_queries(QUERIES[who]):
        items = home.due_items(account)

    assert items


# --------------------------------------------------------------------------- reminders


def _with_addresses(placed: Placed) -> None:
    for who in ("staff", "mentor", "trainee", "host"):
        account = getattr(placed, who)
        account.email = f"{account.username}@example.gov.cn"
        account.save()


def _mails_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if address in m.to]


def test_each_person_gets_one_mail_and_the_same_item_never_twice(placed: Placed) -> None:
    _with_addresses(placed)

    call_command("send_training_reminders", "--date", TODAY, stdout=_Sink())
    first = len(mail.outbox)
    call_command("send_training_reminders", "--date", TODAY, stdout=_Sink())
    call_command("send_training_reminders", "--date", "2026-05-16", stdout=_Sink())

    assert first == 4
    assert len(mail.outbox) == 4
    assert len(_mails_to("sunjie@example.gov.cn")) == 1
    assert ReminderSent.objects.filter(
        user=placed.trainee, key=f"log-gap:{placed.secondment.pk}:none"
    ).exists()


def test_a_new_item_goes_out_the_next_day_alone(placed: Placed) -> None:
    _with_addresses(placed)
    call_command("send_training_reminders", "--date", TODAY, stdout=_Sink())
    _milestone(_plan(placed.secondment), D(2026, 5, 15))

    call_command("send_training_reminders", "--date", "2026-05-16", stdout=_Sink())

    to_trainee = _mails_to("sunjie@example.gov.cn")
    assert len(to_trainee) == 2
    assert "节点0515" in to_trainee[1].body
    assert "未填写练兵日志" not in to_trainee[1].body


def test_the_mail_is_in_chinese_with_links_to_the_site(placed: Placed, settings: Any) -> None:
    settings.LIANBING_SITE_URL = "https://lianbing.example.gov.cn/"
    _with_addresses(placed)

    call_command("send_training_reminders", stdout=_Sink())

    (message,) = _mails_to("sunjie@example.gov.cn")
    assert message.subject == "【练兵台】您有 1 项练兵待办（5月15日）"
    assert "已 75 天未填写练兵日志" in message.body
    assert f"https://lianbing.example.gov.cn/training/{placed.secondment.pk}/" in message.body


def test_a_dry_run_sends_and_records_nothing(placed: Placed) -> None:
    _with_addresses(placed)
    out = _Sink()

    call_command("send_training_reminders", "--dry-run", "--date", TODAY, stdout=out)

    assert mail.outbox == []
    assert not ReminderSent.objects.exists()
    assert "试运行" in out.text
    assert "sunjie" in out.text


def test_an_item_claimed_by_another_run_is_left_out(placed: Placed) -> None:
    _with_addresses(placed)
    ReminderSent.objects.create(user=placed.trainee, key=f"log-gap:{placed.secondment.pk}:none")
    ReminderSent.objects.create(user=placed.mentor, key="mail:2026-05-15")

    call_command("send_training_reminders", "--date", TODAY, stdout=_Sink())

    assert _mails_to("sunjie@example.gov.cn") == []
    assert _mails_to("lijun@example.gov.cn") == []
    assert len(mail.outbox) == 2


def test_accounts_without_an_address_get_nothing(placed: Placed) -> None:
    call_command("send_training_reminders", "--date", TODAY, stdout=_Sink())

    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_a_mentors_own_address_is_used_when_known(placed: Placed) -> None:
    mentor = User.objects.select_related("profile__mentor").get(pk=placed.mentor.pk)
    mentor.email = "lijun@example.gov.cn"
    mentor.profile.mentor.email = "LiJun@xincang.gov.cn"  # type: ignore[union-attr]

    assert addresses_of(mentor) == ("lijun@example.gov.cn", "LiJun@xincang.gov.cn")


def test_a_bad_date_is_refused_in_chinese(placed: Placed) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD"):
        call_command("send_training_reminders", "--date", "15/05/2026")


class _Sink:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass
