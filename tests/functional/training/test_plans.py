"""Training plans (练兵计划) through their pages: the mentor drafts, the department decides.

The cycle draft → submitted → returned (with a reason) → revised → approved,
and an approved plan changed only by a new version; the comparison, the
printable 练兵计划书 and the program's workbook; and who may do what.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lianbing.accounts.models import AuditAction, AuditEvent
from lianbing.training.models import Milestone, PlanComment, PlanStatus, TrainingPlan
from lianbing.training.services import plans as services

from .conftest import Placed

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
GOALS = [
    {
        "ability": "mass_work",
        "key_task": "推进基层治理",
        "goal": "熟悉全镇 12 个村（社区）情况",
        "measure": "走访农户不少于 50 户",
    },
    {"ability": "emergency", "key_task": "", "goal": "参与一次防汛演练", "measure": "形成复盘报告"},
]
MILESTONES = [
    {"title": "熟悉镇情", "due_on": "2026-03-31", "detail": "走访各村"},
    {"title": "牵头一个项目", "due_on": "2026-06-30", "detail": ""},
    {"title": "练兵总结", "due_on": "2027-02-28", "detail": "形成总结报告"},
]


@pytest.fixture(autouse=True)
def _today(settings: Any) -> None:
    settings.LIANBING_TODAY = "2026-05-15"


def _form(
    *,
    goals: list[dict[str, str]],
    milestones: list[dict[str, Any]],
    duties: str = "负责基层治理工作",
    action: str = "save",
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "duties": duties,
        "summary": "",
        "action": action,
        "goal-TOTAL_FORMS": len(goals),
        "goal-INITIAL_FORMS": 0,
        "milestone-TOTAL_FORMS": len(milestones),
        "milestone-INITIAL_FORMS": 0,
    }
    for k, goal in enumerate(goals):
        data.update({f"goal-{k}-{name}": value for name, value in goal.items()})
    for k, milestone in enumerate(milestones):
        data.update({f"milestone-{k}-{name}": value for name, value in milestone.items()})
    return data


def _start(mentor: Client, placed: Placed) -> TrainingPlan:
    response = mentor.post(reverse("training:plan_start", args=[placed.secondment.pk]))
    plan = TrainingPlan.objects.get(secondment=placed.secondment, version=1)
    assert response.status_code == 302
    assert response["Location"] == reverse("training:plan_edit", args=[plan.pk])
    return plan


def _drafted(placed: Placed) -> TrainingPlan:
    mentor = placed.client("mentor")
    plan = _start(mentor, placed)
    response = mentor.post(
        reverse("training:plan_edit", args=[plan.pk]), _form(goals=GOALS, milestones=MILESTONES)
    )
    assert response.status_code == 302, response.content.decode()
    return plan


def _submitted(placed: Placed) -> TrainingPlan:
    plan = _drafted(placed)
    placed.client("mentor").post(reverse("training:plan_submit", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    return plan


def _approved(placed: Placed) -> TrainingPlan:
    plan = _submitted(placed)
    placed.client("staff").post(reverse("training:plan_approve", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    return plan


def _text(response: Any) -> str:
    return str(response.content.decode())


# --------------------------------------------------------------------------- the draft


def test_the_mentor_starts_a_draft_with_the_post_duties_and_a_milestone_a_month(
    placed: Placed,
) -> None:
    mentor = placed.client("mentor")

    plan = _start(mentor, placed)

    assert (plan.version, plan.status, plan.created_by) == (1, PlanStatus.DRAFT, placed.mentor)
    assert "推进基层治理" in plan.duties  # the post's key task
    due = list(plan.milestones.values_list("due_on", flat=True))
    assert len(due) == placed.secondment.duration_months == 12
    assert due[0] == datetime.date(2026, 3, 31)
    assert due[-1] == datetime.date(2027, 2, 28)
    page = _text(mentor.get(reverse("training:plan_edit", args=[plan.pk])))
    assert "第1个月（2026年3月）" in page
    assert 'name="milestone-TOTAL_FORMS" value="12"' in page
    assert "推进基层治理" in page  # offered as a key task of a goal


def test_the_plan_page_offers_the_mentor_a_start_and_tells_others_there_is_no_plan(
    placed: Placed,
) -> None:
    url = reverse("training:plan_current", args=[placed.secondment.pk])

    for_mentor = _text(placed.client("mentor").get(url))
    for_trainee = _text(placed.client("trainee").get(url))

    assert 'data-testid="plan-start"' in for_mentor
    assert "起草练兵计划" in for_mentor
    assert 'data-testid="plan-start"' not in for_trainee
    assert "导师尚未制订练兵计划" in for_trainee


def test_a_second_start_is_refused_with_a_message(placed: Placed) -> None:
    mentor = placed.client("mentor")
    _start(mentor, placed)

    response = mentor.post(reverse("training:plan_start", args=[placed.secondment.pk]), follow=True)

    assert "该干部已有练兵计划" in _text(response)
    assert TrainingPlan.objects.filter(secondment=placed.secondment).count() == 1


def test_saving_the_draft_replaces_its_goals_and_milestones_in_place(placed: Placed) -> None:
    plan = _drafted(placed)

    plan.refresh_from_db()
    assert plan.duties == "负责基层治理工作"
    assert [(g.ability, g.key_task, g.goal) for g in plan.goals.all()] == [
        ("mass_work", "推进基层治理", "熟悉全镇 12 个村（社区）情况"),
        ("emergency", "", "参与一次防汛演练"),
    ]
    assert [m.title for m in plan.milestones.all()] == ["熟悉镇情", "牵头一个项目", "练兵总结"]
    assert TrainingPlan.objects.filter(secondment=placed.secondment).count() == 1


def test_rows_are_added_and_removed_without_saving(placed: Placed) -> None:
    mentor = placed.client("mentor")
    plan = _start(mentor, placed)
    url = reverse("training:plan_edit", args=[plan.pk])

    added = mentor.post(url, _form(goals=GOALS, milestones=MILESTONES, action="add-goal"), **HTMX)
    removed = mentor.post(
        url, _form(goals=GOALS, milestones=MILESTONES, action="remove-milestone-0"), **HTMX
    )

    assert added.status_code == 200
    added_page = _text(added)
    assert added_page.lstrip().startswith('<div id="plan-fields">')  # the fields only
    assert 'name="goal-TOTAL_FORMS" value="3"' in added_page
    removed_page = _text(removed)
    assert 'name="milestone-TOTAL_FORMS" value="2"' in removed_page
    assert 'value="熟悉镇情"' not in removed_page
    assert 'value="牵头一个项目"' in removed_page
    assert plan.goals.count() == 0
    assert plan.milestones.count() == 12  # nothing saved


def test_blank_rows_are_left_out_when_saving(placed: Placed) -> None:
    mentor = placed.client("mentor")
    plan = _start(mentor, placed)
    blank_goal = dict.fromkeys(GOALS[0], "")
    blank_milestone = {"title": "", "due_on": "", "detail": ""}

    response = mentor.post(
        reverse("training:plan_edit", args=[plan.pk]),
        _form(goals=[*GOALS, blank_goal], milestones=[*MILESTONES, blank_milestone]),
    )

    assert response.status_code == 302
    assert (plan.goals.count(), plan.milestones.count()) == (2, 3)


def test_every_problem_of_the_draft_is_listed_in_chinese_and_nothing_is_saved(
    placed: Placed,
) -> None:
    mentor = placed.client("mentor")
    plan = _start(mentor, placed)
    goals = [{"ability": "", "key_task": "", "goal": "提升能力", "measure": ""}]
    milestones = [
        {"title": "", "due_on": "2026-04-30", "detail": ""},
        {"title": "超期节点", "due_on": "2027-03-01", "detail": ""},
        {"title": "早于开始", "due_on": "2026-02-28", "detail": ""},
    ]

    response = mentor.post(
        reverse("training:plan_edit", args=[plan.pk]), _form(goals=goals, milestones=milestones)
    )

    assert response.status_code == 400
    page = _text(response)
    assert "计划未保存" in page
    assert "第 1 个目标：请选择对应的能力或岗位重点任务（至少一项）。" in page
    assert "第 1 个节点：请填写节点名称。" in page
    assert "第 2 个节点：完成时限须在练兵期内（2026-03-01 至 2027-02-28）。" in page
    assert "第 3 个节点：完成时限须在练兵期内" in page
    assert 'value="超期节点"' in page  # the input is kept
    assert plan.goals.count() == 0
    assert plan.milestones.count() == 12


def test_a_date_that_is_not_a_date_is_shown_beside_its_field(placed: Placed) -> None:
    mentor = placed.client("mentor")
    plan = _start(mentor, placed)

    response = mentor.post(
        reverse("training:plan_edit", args=[plan.pk]),
        _form(goals=GOALS, milestones=[{"title": "节点", "due_on": "下个月", "detail": ""}]),
    )

    assert response.status_code == 400
    assert "完成时限：" in _text(response)


def test_submitting_needs_a_goal_and_a_milestone(placed: Placed) -> None:
    mentor = placed.client("mentor")
    plan = _start(mentor, placed)
    mentor.post(reverse("training:plan_edit", args=[plan.pk]), _form(goals=[], milestones=[]))

    response = mentor.post(reverse("training:plan_submit", args=[plan.pk]), follow=True)

    page = _text(response)
    assert "请至少填写一个练兵目标后再提交。" in page
    assert "请至少安排一个练兵节点后再提交。" in page
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_only_a_draft_is_edited(placed: Placed) -> None:
    plan = _submitted(placed)
    mentor = placed.client("mentor")
    url = reverse("training:plan_edit", args=[plan.pk])

    opened = mentor.get(url)
    posted = mentor.post(url, _form(goals=GOALS[:1], milestones=MILESTONES[:1]))

    assert opened.status_code == 302
    assert opened["Location"] == reverse("training:plan_detail", args=[plan.pk])
    assert posted.status_code == 302
    assert plan.goals.count() == 2
    assert plan.milestones.count() == 3
    with pytest.raises(services.PlanError, match="不能再修改"):
        services.plan_update(
            plan=plan, user=placed.mentor, duties="", summary="", goals=[], milestones=[]
        )


# --------------------------------------------------------------------------- the cycle


def test_the_whole_cycle_from_draft_to_a_third_approved_version(placed: Placed) -> None:
    mentor, staff, trainee = (placed.client(w) for w in ("mentor", "staff", "trainee"))
    current = reverse("training:plan_current", args=[placed.secondment.pk])
    v1 = _submitted(placed)

    # The department returns version 1 with a reason, which everybody sees.
    empty = staff.post(reverse("training:plan_return", args=[v1.pk]), {"reason": " "}, follow=True)
    assert "请填写退回理由" in _text(empty)
    staff.post(reverse("training:plan_return", args=[v1.pk]), {"reason": "目标需量化到数字"})
    v1.refresh_from_db()
    assert (v1.status, v1.return_reason, v1.decided_by) == (
        PlanStatus.RETURNED,
        "目标需量化到数字",
        placed.staff,
    )
    assert "目标需量化到数字" in _text(trainee.get(current))
    assert 'data-testid="plan-revise"' in _text(mentor.get(current))

    # The mentor revises it into version 2, which the department approves.
    revised = mentor.post(reverse("training:plan_revise", args=[v1.pk]))
    v2 = TrainingPlan.objects.get(secondment=placed.secondment, version=2)
    assert revised["Location"] == reverse("training:plan_edit", args=[v2.pk])
    assert v2.status == PlanStatus.DRAFT
    assert [g.goal for g in v2.goals.all()] == [g.goal for g in v1.goals.all()]
    assert v2.duties == v1.duties
    mentor.post(reverse("training:plan_submit", args=[v2.pk]))
    staff.post(reverse("training:plan_approve", args=[v2.pk]))
    v2.refresh_from_db()
    assert v2.status == PlanStatus.APPROVED
    assert v2.decided_by == placed.staff
    page = _text(trainee.get(current))
    assert "现行计划（第 2 版）" in page
    assert 'data-testid="returned-reason"' not in page

    # An approved plan changes only by a new version: version 3 supersedes 2.
    mentor.post(reverse("training:plan_revise", args=[v2.pk]))
    v3 = TrainingPlan.objects.get(secondment=placed.secondment, version=3)
    shown = _text(trainee.get(current))
    assert "现行计划（第 2 版）" in shown
    assert "草稿（第 3 版）" in shown
    mentor.post(reverse("training:plan_submit", args=[v3.pk]))
    staff.post(reverse("training:plan_approve", args=[v3.pk]))

    statuses = dict(
        TrainingPlan.objects.filter(secondment=placed.secondment).values_list("version", "status")
    )
    assert statuses == {1: "returned", 2: "superseded", 3: "approved"}
    final = _text(trainee.get(current))
    assert "现行计划（第 3 版）" in final
    assert final.count("已被新版本取代") == 1  # version 2 in the list of versions
    old = _text(trainee.get(reverse("training:plan_detail", args=[v2.pk])))
    assert "该版本已被后来批准的版本取代" in old
    assert "熟悉全镇 12 个村（社区）情况" in old


def test_a_revision_carries_the_done_dates_of_milestones_over(placed: Placed) -> None:
    v1 = _approved(placed)
    first = v1.milestones.first()
    assert first is not None
    Milestone.objects.filter(pk=first.pk).update(done_on=datetime.date(2026, 3, 28))

    placed.client("mentor").post(reverse("training:plan_revise", args=[v1.pk]))

    v2 = TrainingPlan.objects.get(secondment=placed.secondment, version=2)
    assert list(v2.milestones.values_list("title", "done_on")) == [
        ("熟悉镇情", datetime.date(2026, 3, 28)),
        ("牵头一个项目", None),
        ("练兵总结", None),
    ]
    # Editing the draft keeps a kept milestone's done date.
    mentor = placed.client("mentor")
    form = mentor.get(reverse("training:plan_edit", args=[v2.pk])).context["editor"]
    kept_id = form.milestones.initial[0]["id"]
    mentor.post(
        reverse("training:plan_edit", args=[v2.pk]),
        _form(
            goals=GOALS,
            milestones=[{"id": kept_id, "title": "熟悉镇情（已完成）", "due_on": "2026-03-31"}],
        ),
    )
    assert list(v2.milestones.values_list("title", "done_on")) == [
        ("熟悉镇情（已完成）", datetime.date(2026, 3, 28))
    ]


def test_only_one_version_is_open_at_a_time(placed: Placed) -> None:
    v1 = _approved(placed)
    mentor = placed.client("mentor")
    mentor.post(reverse("training:plan_revise", args=[v1.pk]))

    again = mentor.post(reverse("training:plan_revise", args=[v1.pk]), follow=True)

    assert "第 2 版尚未审批完毕，请在该版本上修改。" in _text(again)
    assert TrainingPlan.objects.filter(secondment=placed.secondment).count() == 2


def test_a_version_is_decided_only_once(placed: Placed) -> None:
    plan = _approved(placed)
    staff = placed.client("staff")

    response = staff.post(
        reverse("training:plan_return", args=[plan.pk]), {"reason": "再议"}, follow=True
    )

    assert "只有待审批的版本可以审批" in _text(response)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_a_reason_too_long_or_unstorable_is_refused_with_a_message(placed: Placed) -> None:
    plan = _submitted(placed)
    staff = placed.client("staff")
    url = reverse("training:plan_return", args=[plan.pk])

    long = staff.post(url, {"reason": "理" * 501}, follow=True)
    nul = staff.post(url, {"reason": "退回\x00"}, follow=True)

    assert "最多 500 个字" in _text(long)
    assert nul.status_code == 200
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_the_detail_page_shows_each_reader_only_the_buttons_they_may_use(placed: Placed) -> None:
    plan = _submitted(placed)
    url = reverse("training:plan_detail", args=[plan.pk])

    for_staff = _text(placed.client("staff").get(url))
    for_mentor = _text(placed.client("mentor").get(url))
    for_host = _text(placed.client("host").get(url))

    assert 'data-testid="plan-approve"' in for_staff
    assert 'data-testid="plan-return"' in for_staff
    assert "确认批准？" in for_staff  # the confirmation step
    for page in (for_mentor, for_host):
        assert 'data-testid="plan-approve"' not in page
        assert 'data-testid="plan-edit"' not in page
    assert 'data-testid="plan-comment"' not in for_host


# --------------------------------------------------------------------------- comments


def test_the_trainee_the_mentor_and_the_department_comment_on_a_plan(placed: Placed) -> None:
    plan = _submitted(placed)
    url = reverse("training:plan_comment", args=[plan.pk])

    for who, text in (("trainee", "希望增加招商方面的目标"), ("mentor", "可以"), ("staff", "同意")):
        response = placed.client(who).post(url, {"text": text})
        assert response.status_code == 302, who

    page = _text(placed.client("host").get(reverse("training:plan_detail", args=[plan.pk])))
    assert "希望增加招商方面的目标" in page
    assert "意见（3 条）" in page
    empty = placed.client("trainee").post(url, {"text": "  "}, follow=True)
    assert "请填写意见内容。" in _text(empty)
    assert PlanComment.objects.filter(plan=plan).count() == 3


# --------------------------------------------------------------------------- compare, print, export


def test_the_comparison_shows_both_versions_with_the_differences_marked(placed: Placed) -> None:
    v1 = _approved(placed)
    mentor = placed.client("mentor")
    mentor.post(reverse("training:plan_revise", args=[v1.pk]))
    v2 = TrainingPlan.objects.get(secondment=placed.secondment, version=2)
    changed_goals = [{**GOALS[0], "measure": "走访农户不少于 80 户"}, GOALS[1]]
    more = [*MILESTONES, {"title": "中期汇报", "due_on": "2026-09-30", "detail": ""}]
    mentor.post(
        reverse("training:plan_edit", args=[v2.pk]), _form(goals=changed_goals, milestones=more)
    )

    response = placed.client("trainee").get(
        reverse("training:plan_compare", args=[placed.secondment.pk])
    )

    assert response.status_code == 200
    c = response.context["c"]
    assert (c.left.version, c.right.version) == (1, 2)  # default: the last two
    page = _text(response)
    assert "走访农户不少于 50 户" in page
    assert '<mark class="bg-warning-subtle px-1">走访农户不少于 80 户</mark>' in page
    assert [row.kind for row in c.milestones].count("added") == 1
    assert 'data-diff="added"' in page
    assert "中期汇报" in page
    assert "两个版本有 2 处不同" in page


def test_the_comparison_takes_any_two_versions_of_this_secondment_only(placed: Placed) -> None:
    v1 = _approved(placed)
    placed.client("mentor").post(reverse("training:plan_revise", args=[v1.pk]))
    v2 = TrainingPlan.objects.get(secondment=placed.secondment, version=2)
    other = services.plan_start(secondment=placed.other, user=placed.other_mentor)
    url = reverse("training:plan_compare", args=[placed.secondment.pk])
    staff = placed.client("staff")

    swapped = staff.get(url, {"a": v2.pk, "b": v1.pk})
    foreign = staff.get(url, {"a": other.pk, "b": v1.pk})

    assert swapped.status_code == 200
    assert (swapped.context["c"].left.version, swapped.context["c"].right.version) == (1, 2)
    assert "两个版本内容相同" in _text(swapped)
    assert foreign.status_code == 404


def test_the_printable_plan_has_the_people_the_rows_and_four_signature_lines(
    placed: Placed,
) -> None:
    plan = _approved(placed)

    response = placed.client("host").get(reverse("training:plan_print", args=[plan.pk]))

    assert response.status_code == 200
    page = _text(response)
    assert "练兵计划书" in page
    assert "training/plan_print.css" in page
    s = placed.secondment
    for text in (
        s.cadre.name,
        s.post.name,
        s.post.unit.name,
        "李俊",
        "2026年3月1日",
        "2027年2月28日",
    ):
        assert text in page, text
    for role in ("练兵干部（签字）", "练兵导师（签字）", "用人单位（盖章）", "组织部（盖章）"):
        assert role in page
    assert page.count("日期：") == 4
    assert "熟悉全镇 12 个村（社区）情况" in page
    assert "牵头一个项目" in page


def test_the_print_sheet_asks_for_one_a4_page() -> None:
    from pathlib import Path

    import lianbing.training

    css = (
        Path(lianbing.training.__file__).parent / "static" / "training" / "plan_print.css"
    ).read_text()

    assert "size: A4 portrait" in css


def test_the_export_has_a_row_per_secondment_and_per_milestone_and_is_logged(
    placed: Placed,
) -> None:
    _approved(placed)
    first = TrainingPlan.objects.get(secondment=placed.secondment).milestones.first()
    assert first is not None
    Milestone.objects.filter(pk=first.pk).update(done_on=datetime.date(2026, 3, 30))
    staff = placed.client("staff")

    response = staff.get(reverse("training:plan_export"), {"program": placed.secondment.program_id})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["练兵计划", "练兵节点"]
    rows = {r[0]: r for r in book["练兵计划"].iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"孙杰", "王楠楠"}
    mine = rows["孙杰"]
    assert mine[2:8] == (
        "新仓镇",
        "基层治理岗",
        "李俊",
        "2026-03-01 至 2027-02-28",
        "第1版",
        "已批准",
    )
    assert mine[9:] == (2, 3, 1, 0)  # goals, milestones, done, late (2026-05-15)
    assert rows["王楠楠"][7] == "未制订"
    steps = list(book["练兵节点"].iter_rows(min_row=2, values_only=True))
    assert [(s[0], s[6], s[9]) for s in steps] == [
        ("孙杰", "熟悉镇情", "已完成"),
        ("孙杰", "牵头一个项目", "按期推进"),
        ("孙杰", "练兵总结", "按期推进"),
    ]
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="training:plan_export"
    ).exists()


def test_the_export_counts_late_milestones_by_the_clock(placed: Placed, settings: Any) -> None:
    _approved(placed)
    settings.LIANBING_TODAY = "2026-07-01"

    response = placed.client("staff").get(reverse("training:plan_export"))  # the current program

    book = load_workbook(io.BytesIO(response.content))
    row = next(book["练兵计划"].iter_rows(min_row=2, values_only=True))
    assert row[0] == "孙杰"
    assert row[11:] == (0, 2)
    assert [s[9] for s in book["练兵节点"].iter_rows(min_row=2, values_only=True)] == [
        "已逾期",
        "已逾期",
        "按期推进",
    ]


# --------------------------------------------------------------------------- who may


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff", 200),
        ("auditor", 200),
        ("mentor", 200),
        ("trainee", 200),
        ("host", 200),
        ("other_mentor", 404),
        ("other_trainee", 404),
        ("other_host", 404),
    ],
)
def test_each_role_reads_the_plan_pages_of_its_own_trainees_only(
    placed: Placed, who: str, status: int
) -> None:
    v1 = _approved(placed)
    placed.client("mentor").post(reverse("training:plan_revise", args=[v1.pk]))
    client = placed.client(who)
    pages = [
        reverse("training:plan_current", args=[placed.secondment.pk]),
        reverse("training:plan_detail", args=[v1.pk]),
        reverse("training:plan_compare", args=[placed.secondment.pk]),
        reverse("training:plan_print", args=[v1.pk]),
    ]

    assert [client.get(url).status_code for url in pages] == [status] * len(pages)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("trainee", 403),
        ("host", 403),
        ("auditor", 403),
        ("staff", 403),
        ("other_mentor", 404),
        ("other_trainee", 403),
    ],
)
def test_only_the_own_mentor_drafts_edits_submits_and_revises(
    placed: Placed, who: str, expected: int
) -> None:
    plan = _drafted(placed)
    client = placed.client(who)

    answers = [
        client.get(reverse("training:plan_edit", args=[plan.pk])).status_code,
        client.post(
            reverse("training:plan_edit", args=[plan.pk]), _form(goals=[], milestones=[])
        ).status_code,
        client.post(reverse("training:plan_submit", args=[plan.pk])).status_code,
        client.post(reverse("training:plan_revise", args=[plan.pk])).status_code,
        client.post(reverse("training:plan_start", args=[placed.secondment.pk])).status_code,
    ]

    assert answers == [expected] * len(answers)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert plan.goals.count() == 2


@pytest.mark.parametrize(
    ("who", "expected"),
    [("trainee", 403), ("mentor", 403), ("host", 403), ("auditor", 403), ("other_trainee", 403)],
)
def test_only_the_department_returns_or_approves(placed: Placed, who: str, expected: int) -> None:
    plan = _submitted(placed)
    client = placed.client(who)

    answers = [
        client.post(reverse("training:plan_approve", args=[plan.pk])).status_code,
        client.post(reverse("training:plan_return", args=[plan.pk]), {"reason": "x"}).status_code,
    ]

    assert answers == [expected, expected]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_the_trainee_is_refused_a_mentors_write_by_the_service_too(placed: Placed) -> None:
    plan = _drafted(placed)

    with pytest.raises(PermissionDenied, match="练兵导师"):
        services.plan_submit(plan=plan, user=placed.trainee)
    with pytest.raises(PermissionDenied, match="组织部"):
        services.plan_approve(plan=plan, user=placed.mentor)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("host", 403), ("auditor", 403), ("other_trainee", 404), ("other_mentor", 404)],
)
def test_readers_who_are_not_party_to_the_plan_cannot_comment(
    placed: Placed, who: str, expected: int
) -> None:
    plan = _submitted(placed)

    response = placed.client(who).post(
        reverse("training:plan_comment", args=[plan.pk]), {"text": "路过"}
    )

    assert response.status_code == expected
    assert not PlanComment.objects.filter(plan=plan).exists()


@pytest.mark.parametrize("who", ["mentor", "trainee", "host", "auditor"])
def test_only_the_department_exports_the_plans(placed: Placed, who: str) -> None:
    response = placed.client(who).get(reverse("training:plan_export"))

    assert response.status_code == 403


def test_the_plan_page_and_the_export_read_in_a_fixed_number_of_queries(
    placed: Placed, django_assert_max_num_queries: Any
) -> None:
    staff = placed.client("staff")
    page = reverse("training:plan_current", args=[placed.secondment.pk])
    export = reverse("training:plan_export")
    v1 = _approved(placed)
    with django_assert_max_num_queries(10) as few_page:
        staff.get(page)
    with django_assert_max_num_queries(12) as few_export:
        staff.get(export)
    counts = (len(few_page), len(few_export))

    placed.client("mentor").post(reverse("training:plan_revise", args=[v1.pk]))
    other = services.plan_start(secondment=placed.other, user=placed.other_mentor)
    services.plan_update(
        plan=other,
        user=placed.other_mentor,
        duties="",
        summary="",
        goals=[services.GoalInput(goal="目标", ability="political")],
        milestones=[services.MilestoneInput(title="节点", due_on=datetime.date(2026, 4, 30))],
    )
    with django_assert_max_num_queries(counts[0]) as page_queries:
        staff.get(page)
    with django_assert_max_num_queries(counts[1]) as export_queries:
        staff.get(export)

    assert (len(page_queries), len(export_queries)) == counts
