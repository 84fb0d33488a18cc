"""Writes the demo's earlier program (:mod:`.earlier`) into the database.

Placement goes through the matching services, as the department would do it:
a run over the earlier pool, the article's six pinned (指定配置) with the
department's reasons, re-optimised, then finalised, which creates the
secondments with their finalised source run; the run's pages (balance table,
decisions, exports) work like any other run's. The worker steps are called
in place: the loader is one transaction, and the tasks queued on commit find
the run and its re-optimisation done and leave them alone. The run, its
decisions and the secondments are then dated some weeks before the program
started, and the mentors confirmed.

The records of the first four months are bulk-created: they are the demo's
history, not anyone's action, so they are not audited one by one, and they
load in a few queries. Their ``created_at`` is set to the day they stand for.

Authors. Logs, comments and assessments are written by accounts. Every
trainee and mentor of the earlier program gets one, named after the person,
with no role and no usable password (``demo-c004`` for cadre C004,
``demo-m001`` for mentor M001), and the department's decisions one of their
own (``demo-ganbuke``). The demo's role accounts (:mod:`.accounts`) take over
three of them, so that ganbuke, daoshi (李俊) and xueyuan (孙杰) are the
authors of their own records.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import F, Model

from lianbing.demand import services as demand_services
from lianbing.demand.models import Post, Program
from lianbing.matching.models import Decision, DecisionKind, MatchRun, Reoptimisation
from lianbing.matching.services.analysis_jobs import match_analysis_execute
from lianbing.matching.services.decisions import decision_record
from lianbing.matching.services.finalising import match_run_finalise
from lianbing.matching.services.reoptimisation import match_run_reoptimise_request
from lianbing.matching.services.reoptimise_solve import match_reoptimise_execute
from lianbing.matching.services.run_compute import match_run_execute
from lianbing.matching.services.runs import match_run_create
from lianbing.people.models import Cadre, Mentor, Unit
from lianbing.training.models import (
    LogComment,
    Milestone,
    MilestoneUpdate,
    MonthlyAssessment,
    PlanComment,
    PlanGoal,
    Secondment,
    TrainingPlan,
    WorkLog,
)

from .earlier import (
    FEATURED_TRAINEE,
    Pin,
    Placement,
    TrainingPeriod,
    earlier_end,
    earlier_pool,
    earlier_start,
    training_draw,
)
from .program import DemoProgram

_M = TypeVar("_M", bound=Model)
_CITY_TIME = zoneinfo.ZoneInfo("Asia/Shanghai")
#: The account that made the department's decisions, until ganbuke takes it over.
STAFF_USERNAME = "demo-ganbuke"
#: The reason a pairing proposal gives for a mentor the post names (engine.pairing.REASON_NAMED).
_NAMED_MENTOR = "岗位指定导师"


def person_username(code: str) -> str:
    """The account of a trainee or mentor of the earlier program, by the person's code."""
    return f"demo-{code.lower()}"


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=_CITY_TIME)


def earlier_program_load(
    *,
    demo: DemoProgram,
    seed: int,
    today: datetime.date,
    units: Mapping[str, Unit],
    mentors: Mapping[tuple[str, str], Mentor],
    cadres: Mapping[str, Cadre],
) -> Program:
    """Create the earlier program, place it through a finalised run and write its first months.

    ``units``, ``mentors`` (by unit and name) and ``cadres`` (by code) are the
    demo's records, already loaded. Called inside the loader's transaction.
    """
    start = earlier_start(today)
    pool = earlier_pool(demo, seed=seed)
    program = demand_services.program_create(
        name=f"{start.year}年度百岗大练兵", started_on=start, ended_on=earlier_end(start)
    )
    demand_services.program_add_cadres(
        program=program, cadres=[cadres[code] for code in pool.cadre_ids]
    )
    posts = {
        q.id: demand_services.post_create(
            program=program, profile=q, unit=units[q.unit], mentor=mentors[(q.unit, q.mentor)]
        )
        for q in pool.posts
    }
    people = _accounts(
        [cadres[code] for code in pool.cadre_ids],
        {mentors[(q.unit, q.mentor)] for q in pool.posts},
    )
    staff = people[STAFF_USERNAME]
    run = _placed(program, staff, cadres, posts, pool.pins)

    secondments = list(
        Secondment.objects.filter(source_run=run).select_related("cadre", "post", "mentor")
    )
    profiles = {c.id: c for c in demo.cadres}
    post_profiles = {q.id: q for q in pool.posts}
    placements = [
        Placement(
            cadre=profiles[s.cadre.code],
            post=post_profiles[s.post.code],
            mentor=s.mentor.name if s.mentor else "",
        )
        for s in secondments
    ]
    period = training_draw(
        placements,
        start=start,
        today=today,
        seed=seed,
        scale=program.assessment_scale,
        featured=FEATURED_TRAINEE,
    )
    _write(period, secondments, people, staff)
    return program


def _accounts(trainees: Iterable[Cadre], mentors: Iterable[Mentor]) -> dict[str, User]:
    """The accounts that author the earlier program's records, by username."""
    user_model = get_user_model()
    wanted = {STAFF_USERNAME: "组织部干部科"}
    wanted |= {person_username(c.code): c.name for c in trainees}
    wanted |= {person_username(m.code): m.name for m in mentors}
    users = []
    for username, name in sorted(wanted.items()):
        user = user_model(username=username, first_name=name)
        user.set_unusable_password()
        users.append(user)
    user_model.objects.bulk_create(users)
    return {u.username: u for u in user_model.objects.filter(username__in=wanted)}


def _placed(
    program: Program,
    staff: User,
    cadres: Mapping[str, Cadre],
    posts: Mapping[str, Post],
    pins: Iterable[Pin],
) -> MatchRun:
    """A finalised run of the program, the article's pairs pinned; dated before the start."""
    run = match_run_create(program=program, created_by=staff, title=f"{program.name}配置方案")
    match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    for pin in pins:
        decision_record(
            run=run,
            kind=DecisionKind.PIN,
            cadre_id=cadres[pin.cadre_id].pk,
            post_id=posts[pin.post_id].pk,
            reason=pin.reason,
            created_by=staff,
        )
    reoptimisation = match_run_reoptimise_request(run=run, requested_by=staff)
    match_reoptimise_execute(reoptimisation_id=reoptimisation.pk)
    # The analysis of the placement it keeps, at once too (the worker finds it done).
    match_analysis_execute(job_id=run.analysis_jobs.values_list("pk", flat=True).order_by("-pk")[0])
    run.refresh_from_db()
    match_run_finalise(run=run, finalised_by=staff)

    start = program.started_on
    computed = _at(start - datetime.timedelta(days=30), 9, 30)
    reviewed = _at(start - datetime.timedelta(days=27), 15)
    finalised = _at(start - datetime.timedelta(days=24), 16)
    MatchRun.objects.filter(pk=run.pk).update(
        created_at=computed,
        started_at=computed,
        finished_at=computed + datetime.timedelta(minutes=1),
        reoptimised_at=reviewed + datetime.timedelta(minutes=30),
        finalised_at=finalised,
    )
    Decision.objects.filter(run=run).update(
        created_at=reviewed, applied_at=reviewed + datetime.timedelta(minutes=30)
    )
    Reoptimisation.objects.filter(run=run).update(
        created_at=reviewed + datetime.timedelta(minutes=29),
        started_at=reviewed + datetime.timedelta(minutes=29),
        finished_at=reviewed + datetime.timedelta(minutes=30),
    )
    # The department confirms each post's named mentor a few days before the start.
    Secondment.objects.filter(source_run=run).update(
        created_at=finalised,
        proposed_mentor=F("mentor"),
        proposal_reasons=[_NAMED_MENTOR],
        mentor_confirmed_at=_at(start - datetime.timedelta(days=5), 10),
        mentor_confirmed_by=staff,
    )
    run.refresh_from_db()
    return run


def _dated(model: type[_M], rows: Sequence[tuple[_M, datetime.datetime]]) -> list[_M]:
    """Create ``rows`` at once, then set their ``created_at`` (auto_now_add sets it to now)."""
    objects = model._default_manager.bulk_create([obj for obj, _ in rows])
    for obj, (_, at) in zip(objects, rows, strict=True):
        obj.created_at = at  # type: ignore[attr-defined]
    model._default_manager.bulk_update(objects, ["created_at"], batch_size=200)
    return objects


def _write(
    period: TrainingPeriod,
    secondments: list[Secondment],
    people: Mapping[str, User],
    staff: User,
) -> None:
    """The plans, milestones, logs, comments and assessments of the first months."""
    by_cadre = {s.cadre.code: s for s in secondments}
    plans: list[tuple[TrainingPlan, datetime.datetime]] = []
    for trainee in period.trainees:
        s = by_cadre[trainee.cadre_id]
        mentor = people[person_username(s.mentor.code)] if s.mentor else staff
        for spec in trainee.plans:
            plans.append(
                (
                    TrainingPlan(
                        secondment=s,
                        version=spec.version,
                        status=spec.status,
                        duties=spec.duties,
                        summary=spec.summary,
                        created_by=mentor,
                        submitted_at=_at(spec.submitted_on, 16),
                        decided_at=_at(spec.decided_on, 15) if spec.decided_on else None,
                        decided_by=staff if spec.decided_on else None,
                        return_reason=spec.return_reason,
                    ),
                    _at(spec.drafted_on, 10),
                )
            )
    plan_rows = iter(_dated(TrainingPlan, plans))

    goals: list[PlanGoal] = []
    milestones: list[tuple[Milestone, str, datetime.date | None]] = []
    plan_comments: list[tuple[PlanComment, datetime.datetime]] = []
    logs: list[tuple[WorkLog, datetime.datetime]] = []
    log_comments: list[tuple[int, str, datetime.date, User]] = []
    assessments: list[tuple[MonthlyAssessment, datetime.datetime]] = []
    for trainee in period.trainees:
        s = by_cadre[trainee.cadre_id]
        mentor = people[person_username(s.mentor.code)] if s.mentor else staff
        author = people[person_username(s.cadre.code)]
        for spec in trainee.plans:
            plan = next(plan_rows)
            goals += [
                PlanGoal(
                    plan=plan,
                    ability=g.ability,
                    key_task=g.key_task,
                    goal=g.goal,
                    measure=g.measure[:200],
                    position=i,
                )
                for i, g in enumerate(spec.goals, start=1)
            ]
            milestones += [
                (
                    Milestone(
                        plan=plan,
                        due_on=m.due_on,
                        title=m.title,
                        detail=m.detail,
                        done_on=m.done_on,
                        position=m.month,
                    ),
                    m.note,
                    m.note_on if spec.status == "approved" else None,
                )
                for m in spec.milestones
            ]
            plan_comments += [
                (
                    PlanComment(plan=plan, author=mentor if c.by_mentor else author, text=c.text),
                    _at(c.on, 11 if c.by_mentor else 9),
                )
                for c in spec.comments
            ]
        for log in trainee.logs:
            logs.append(
                (
                    WorkLog(
                        secondment=s, on=log.on, work=log.work, results=log.results, author=author
                    ),
                    _at(log.on, 18, 30),
                )
            )
            if log.comment is not None:
                log_comments.append((len(logs) - 1, log.comment.text, log.comment.on, mentor))
        assessments += [
            (
                MonthlyAssessment(
                    secondment=s,
                    month=a.month,
                    scores=dict(a.scores),
                    remark=a.remark,
                    author=mentor,
                ),
                _at(a.on, 10),
            )
            for a in trainee.assessments
        ]

    PlanGoal.objects.bulk_create(goals)
    milestone_rows = Milestone.objects.bulk_create([m for m, _, _ in milestones])
    trainee_of_plan = {s.pk: people[person_username(s.cadre.code)] for s in secondments}
    updates = [
        (
            MilestoneUpdate(
                milestone=row,
                author=trainee_of_plan[row.plan.secondment_id],
                on=on,
                note=note,
                done=row.done_on is not None,
            ),
            _at(on, 17),
        )
        for row, (_, note, on) in zip(milestone_rows, milestones, strict=True)
        if on is not None and note
    ]
    _dated(MilestoneUpdate, updates)
    _dated(PlanComment, plan_comments)
    log_rows = _dated(WorkLog, logs)
    _dated(
        LogComment,
        [
            (
                LogComment(log=log_rows[i], author=mentor, text=text),
                _at(on, 21) if on == log_rows[i].on else _at(on, 9, 30),
            )
            for i, text, on, mentor in log_comments
        ],
    )
    _dated(MonthlyAssessment, assessments)
