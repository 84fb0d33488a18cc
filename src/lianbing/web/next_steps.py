"""The program's next steps for the home page's 我的待办, beside the training period's due items.

The training period (:mod:`lianbing.training.selectors.home`), on-site
inspection (:mod:`lianbing.evaluation.selectors.due`) and the activities
(:mod:`lianbing.activities.selectors.due`) say what is due for one person. This
module adds what the program as a whole asks next, read across the apps of
its steps, so it lives in ``web`` above them all. Each reader makes a fixed
number of queries (aggregates), whatever the size of the program.

Every line is a :class:`Step` shaped like the other due items (``kind``,
``label``, ``count``, ``url``, ``details``). Its ``kind`` is a stable code the
pages and the browser tests rely on:

Department staff (组织部干部科), in the order of the year:

- ``survey-none``: the program has no demand survey and no posts yet;
- ``survey-open``: demand surveys still open for filing (count: open surveys);
- ``demand-review``: demands submitted, awaiting review (count: demands);
- ``demand-convert``: demands accepted, not yet turned into posts;
- ``cadres-missing`` / ``posts-missing``: the program has no cadres / no posts;
- ``match-none``: cadres and posts are there, no match run has finished;
- ``match-running``: match runs queued or computing;
- ``match-finalise``: finished runs, none finalised and nobody placed (count: runs to review);
- ``reoptimise``: review decisions not yet taken into a re-optimisation;
- ``pairing`` and ``plan-submitted`` (from the training period);
- ``activity-prepare``: activities being prepared, held in the next two weeks;
- ``activity-scoring``: activities in scoring;
- ``inspection-draft`` / ``inspection-open``: inspection rounds being prepared / rating;
- ``growth-index``: closed inspection rounds without a growth index.

Host-unit contact (用人单位联系人), while a survey is open:

- ``survey-file``: open surveys in which the unit has filed no demand;
- ``demand-draft``: the unit's demands saved but not submitted;
- ``demand-returned``: the unit's demands returned for changes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.accounts.models import Role
from lianbing.accounts.roles import profile_of, roles_of
from lianbing.activities.models import Activity, ActivityStatus
from lianbing.background.models import ACTIVE, JobStatus
from lianbing.demand.models import Program
from lianbing.evaluation.models import EvaluationRound, GrowthComputation, RoundStatus
from lianbing.matching.models import PENDING_DECISION, Decision, MatchRun
from lianbing.survey.models import Demand, DemandStatus, SurveyRound
from lianbing.training import clock
from lianbing.training.models import Secondment

#: Activities being prepared show this many days ahead.
PREPARE_DAYS = 14


@dataclass(frozen=True)
class Step:
    """A line of 我的待办: what to do next, how many, where to act."""

    kind: str
    label: str
    count: int
    url: str
    details: tuple[str, ...] = ()
    #: The details sum the count up (one line per survey), rather than name some of its items.
    complete: bool = False


def _one_or_list(count: int, one_id: int | None, one: str, many: str) -> str:
    """The page of the one thing when there is one, else the list."""
    if count == 1 and one_id is not None:
        return reverse(one, args=[one_id])
    return reverse(many)


def _local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _survey_steps(program: Program, now: datetime.datetime, has_posts: bool) -> list[Step]:
    rounds = list(
        SurveyRound.objects.filter(Q(program=program) | Q(program__isnull=True))
        .annotate(
            filed=Count("demands", filter=~Q(demands__status=DemandStatus.DRAFT)),
            units=Count(
                "demands__unit", filter=~Q(demands__status=DemandStatus.DRAFT), distinct=True
            ),
        )
        .order_by("deadline_at", "pk")
    )
    steps: list[Step] = []
    if not rounds and not has_posts:
        steps.append(
            Step(
                "survey-none",
                _("开展需求调研：发起调研，请用人单位填报岗位需求"),
                1,
                reverse("survey:round_create"),
                (_("也可以在“导入名册”中直接导入岗位表"),),
            )
        )
    open_rounds = [r for r in rounds if r.deadline_at > now]
    if open_rounds:
        steps.append(
            Step(
                "survey-open",
                _("需求调研填报中"),
                len(open_rounds),
                _one_or_list(
                    len(open_rounds), open_rounds[0].pk, "survey:round_detail", "survey:round_list"
                ),
                tuple(
                    _("%(name)s：%(deadline)s 截止，%(units)d 个单位已提交 %(filed)d 条需求")
                    % {
                        "name": r.name,
                        "deadline": _local(r.deadline_at),
                        "units": r.units,
                        "filed": r.filed,
                    }
                    for r in open_rounds[:3]
                ),
            )
        )
    rows = (
        Demand.objects.filter(
            Q(survey_round__program=program) | Q(survey_round__program__isnull=True),
            status__in=[DemandStatus.SUBMITTED, DemandStatus.ACCEPTED],
        )
        .order_by()
        .values("status", "survey_round_id", "survey_round__name")
        .annotate(n=Count("pk"))
        .order_by("status", "survey_round_id")
    )
    by_status: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_status.setdefault(row["status"], []).append(row)
    for state, kind, label in (
        (DemandStatus.SUBMITTED, "demand-review", _("待审核的岗位需求")),
        (DemandStatus.ACCEPTED, "demand-convert", _("已采纳、待转为练兵岗位的需求")),
    ):
        in_rounds = by_status.get(state.value, [])
        if not in_rounds:
            continue
        url = (
            reverse("survey:round_detail", args=[in_rounds[0]["survey_round_id"]])
            if len(in_rounds) == 1
            else reverse("survey:round_list")
        )
        details = tuple(
            _("%(name)s：%(n)d 条") % {"name": r["survey_round__name"], "n": r["n"]}
            for r in in_rounds[:3]
        )
        steps.append(Step(kind, label, sum(r["n"] for r in in_rounds), url, details, complete=True))
    return steps


def _pool_steps(summary: Any) -> list[Step]:
    steps = []
    if not summary.cadres:
        steps.append(
            Step(
                "cadres-missing",
                _("干部库还是空的：用干部名册模板导入干部"),
                1,
                reverse("imports:import_list"),
            )
        )
    if not summary.posts:
        steps.append(
            Step(
                "posts-missing",
                _("还没有练兵岗位：把采纳的需求转为岗位，或导入岗位表"),
                1,
                reverse("imports:import_list"),
            )
        )
    return steps


def _match_steps(program: Program, summary: Any) -> list[Step]:
    done = Q(status=JobStatus.DONE)
    runs = MatchRun.objects.filter(program=program).aggregate(
        active=Count("pk", filter=Q(status__in=ACTIVE)),
        active_id=Max("pk", filter=Q(status__in=ACTIVE)),
        done=Count("pk", filter=done & Q(superseded_at__isnull=True)),
        done_id=Max("pk", filter=done & Q(superseded_at__isnull=True)),
        finalised=Count("pk", filter=Q(finalised_at__isnull=False)),
    )
    steps: list[Step] = []
    if runs["active"]:
        steps.append(
            Step(
                "match-running",
                _("正在计算的匹配方案"),
                runs["active"],
                _one_or_list(
                    runs["active"], runs["active_id"], "matching:run_detail", "matching:run_list"
                ),
            )
        )
    # Placements made (finalised, or entered another way) end the matching step.
    if runs["finalised"] or Secondment.objects.filter(program=program).exists():
        return steps
    if not runs["done"] and not runs["active"] and summary.cadres and summary.posts:
        steps.append(
            Step(
                "match-none",
                _("发起人岗匹配：%(cadres)d 名干部、%(posts)d 个岗位")
                % {"cadres": summary.cadres, "posts": summary.posts},
                1,
                reverse("matching:run_create"),
            )
        )
    if runs["done"]:
        steps.append(
            Step(
                "match-finalise",
                _("匹配方案待研究定案（尚无定案方案）"),
                runs["done"],
                _one_or_list(
                    runs["done"], runs["done_id"], "matching:balance", "matching:run_list"
                ),
            )
        )
    pending = Decision.objects.filter(
        PENDING_DECISION, run__program=program, run__finalised_at__isnull=True
    ).aggregate(n=Count("pk"), runs=Count("run", distinct=True), run_id=Max("run_id"))
    if pending["n"]:
        steps.append(
            Step(
                "reoptimise",
                _("尚未纳入重新优化的调整决定"),
                pending["n"],
                _one_or_list(
                    pending["runs"], pending["run_id"], "matching:balance", "matching:run_list"
                ),
            )
        )
    return steps


def _activity_steps(program: Program, today: datetime.date) -> list[Step]:
    soon = Q(status=ActivityStatus.PLANNED, held_on__lte=today + datetime.timedelta(PREPARE_DAYS))
    scoring = Q(status=ActivityStatus.SCORING)
    counts = Activity.objects.filter(series__program=program).aggregate(
        soon=Count("pk", filter=soon),
        soon_id=Min("pk", filter=soon),
        soon_on=Min("held_on", filter=soon),
        scoring=Count("pk", filter=scoring),
        scoring_id=Min("pk", filter=scoring),
    )
    steps = []
    if counts["soon"]:
        steps.append(
            Step(
                "activity-prepare",
                _("两周内举办、待筹备的赋能活动（分组、通知）"),
                counts["soon"],
                _one_or_list(
                    counts["soon"],
                    counts["soon_id"],
                    "activities:activity_detail",
                    "activities:series_list",
                ),
                (_("最近一场 %(date)s") % {"date": counts["soon_on"].isoformat()},),
            )
        )
    if counts["scoring"]:
        steps.append(
            Step(
                "activity-scoring",
                _("评分中的赋能活动：催办评分、评分完成后结束活动"),
                counts["scoring"],
                _one_or_list(
                    counts["scoring"],
                    counts["scoring_id"],
                    "activities:results",
                    "activities:series_list",
                ),
            )
        )
    return steps


def _inspection_steps(program: Program) -> list[Step]:
    uncomputed = Q(status=RoundStatus.CLOSED, computed=False)
    counts = (
        EvaluationRound.objects.filter(program=program)
        .annotate(computed=Exists(GrowthComputation.objects.filter(round=OuterRef("pk"))))
        .aggregate(
            draft=Count("pk", filter=Q(status=RoundStatus.DRAFT)),
            draft_id=Min("pk", filter=Q(status=RoundStatus.DRAFT)),
            open=Count("pk", filter=Q(status=RoundStatus.OPEN)),
            open_id=Min("pk", filter=Q(status=RoundStatus.OPEN)),
            open_closes=Min("closes_on", filter=Q(status=RoundStatus.OPEN)),
            uncomputed=Count("pk", filter=uncomputed),
            uncomputed_id=Min("pk", filter=uncomputed),
        )
    )
    steps = []
    if counts["draft"]:
        steps.append(
            Step(
                "inspection-draft",
                _("准备中的一线考察：组建考察组、设置评价项目后开始评价"),
                counts["draft"],
                _one_or_list(
                    counts["draft"],
                    counts["draft_id"],
                    "evaluation:round_detail",
                    "evaluation:round_list",
                ),
            )
        )
    if counts["open"]:
        steps.append(
            Step(
                "inspection-open",
                _("评价中的一线考察：跟进评价进度，截止后结束评价"),
                counts["open"],
                _one_or_list(
                    counts["open"],
                    counts["open_id"],
                    "evaluation:round_detail",
                    "evaluation:round_list",
                ),
                (_("最早 %(date)s 截止") % {"date": counts["open_closes"].isoformat()},),
            )
        )
    if counts["uncomputed"]:
        steps.append(
            Step(
                "growth-index",
                _("已结束、尚未计算成长指数的考察"),
                counts["uncomputed"],
                _one_or_list(
                    counts["uncomputed"],
                    counts["uncomputed_id"],
                    "evaluation:index",
                    "evaluation:round_list",
                ),
            )
        )
    return steps


def staff_steps(*, program: Program | None, summary: Any, training: list[Any]) -> list[Any]:
    """The department's next steps in the order of the year, with ``training`` (its due items) placed after the match.

    ``summary`` is the home page's :func:`lianbing.demand.selectors.dashboard_summary`
    (its cadre and post counts are reused, not counted again). Without a
    program there are no steps: the page shows how to create one.
    """
    if program is None:
        return list(training)
    today = clock.today()
    now = timezone.now()
    return [
        *_survey_steps(program, now, bool(summary.posts)),
        *_pool_steps(summary),
        *_match_steps(program, summary),
        *training,
        *_activity_steps(program, today),
        *_inspection_steps(program),
    ]


def contact_steps(user: Any) -> list[Step]:
    """A host-unit contact's survey work while a survey is open: file, finish, fix."""
    profile = profile_of(user)
    if Role.HOST_CONTACT not in roles_of(user) or profile is None or not profile.unit_id:
        return []
    now = timezone.now()
    own = Q(demands__unit_id=profile.unit_id)
    rounds = list(
        SurveyRound.objects.filter(deadline_at__gt=now)
        .annotate(
            mine=Count("demands", filter=own & ~Q(demands__status=DemandStatus.DRAFT)),
            drafts=Count("demands", filter=own & Q(demands__status=DemandStatus.DRAFT)),
            draft_id=Min("demands", filter=own & Q(demands__status=DemandStatus.DRAFT)),
            returned=Count("demands", filter=own & Q(demands__status=DemandStatus.RETURNED)),
            returned_id=Min("demands", filter=own & Q(demands__status=DemandStatus.RETURNED)),
        )
        .order_by("deadline_at", "pk")
    )
    steps = []
    unfiled = [r for r in rounds if not r.mine]
    if unfiled:
        steps.append(
            Step(
                "survey-file",
                _("需求调研待填报：请在截止前提交本单位的岗位需求"),
                len(unfiled),
                reverse("survey:demand_new", args=[unfiled[0].pk]),
                tuple(
                    _("%(name)s：%(deadline)s 截止")
                    % {"name": r.name, "deadline": _local(r.deadline_at)}
                    for r in unfiled[:3]
                ),
            )
        )
    for field, kind, label in (
        ("drafts", "demand-draft", _("已保存、尚未提交的岗位需求")),
        ("returned", "demand-returned", _("被退回、待修改后重新提交的岗位需求")),
    ):
        with_some = [r for r in rounds if getattr(r, field)]
        if not with_some:
            continue
        total = sum(getattr(r, field) for r in with_some)
        first = with_some[0]
        id_field = "draft_id" if field == "drafts" else "returned_id"
        url = (
            reverse("survey:demand_detail", args=[getattr(first, id_field)])
            if total == 1
            else reverse("survey:round_detail", args=[first.pk])
        )
        steps.append(
            Step(
                kind,
                label,
                total,
                url,
                tuple(
                    _("%(name)s：%(n)d 条，%(deadline)s 截止")
                    % {"name": r.name, "n": getattr(r, field), "deadline": _local(r.deadline_at)}
                    for r in with_some[:3]
                ),
                complete=True,
            )
        )
    return steps
