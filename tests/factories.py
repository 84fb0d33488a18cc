"""Test data built through the services, as the application builds it."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.contrib.auth.models import User

from lianbing.accounts.models import Profile, Role
from lianbing.demand import services as demand_services
from lianbing.demand.models import Post, Program
from lianbing.engine import taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.matching.models import Decision, MatchRun
from lianbing.matching.services.decisions import decision_record
from lianbing.matching.services.runs import match_run_create
from lianbing.people import services as people_services
from lianbing.people.models import Cadre, Mentor, Unit
from lianbing.survey.models import Demand, SurveyRound

_counter = itertools.count(1)


def unit(name: str | None = None, kind: str = "department") -> Unit:
    return people_services.unit_ensure(name=name or f"测试单位{next(_counter)}", kind=kind)


def cadre(
    *,
    code: str | None = None,
    name: str = "张三",
    origin: Unit | None = None,
    category: str = "economy",
    abilities: tuple[float, ...] = (80, 70, 75, 65, 60, 55, 85),
    expertise: str = "招商引资",
) -> Cadre:
    origin = origin or unit()
    profile = CadreProfile(
        id=code or f"T{next(_counter):04d}",
        name=name,
        origin_unit=origin.name,
        abilities=abilities,
        category=category,
        expertise=expertise,
    )
    return people_services.cadre_create(
        profile=profile, category=category, assessed_on=datetime.date(2026, 3, 1)
    )


def program(name: str = "测试批次") -> Program:
    return demand_services.program_create(
        name=name, started_on=datetime.date(2026, 3, 1), ended_on=datetime.date(2027, 2, 28)
    )


def post(
    *,
    program_: Program | None = None,
    code: str | None = None,
    host: Unit | None = None,
    category: str = "social",
    seats: int = 1,
    core: tuple[tuple[str, float], ...] = (("mass_work", 3.0),),
) -> Post:
    host = host or unit(kind="town")
    profile = PostProfile(
        id=code or f"P{next(_counter):04d}",
        name="基层治理岗",
        unit=host.name,
        category=category,
        unit_kind=host.kind,
        key_tasks="推进基层治理",
        core_abilities=core,
        seats=seats,
    )
    return demand_services.post_create(program=program_ or program(), profile=profile, unit=host)


ALL_CATEGORIES = taxonomy.CATEGORY_CODES


def staff_user(username: str = "ganbuke") -> User:
    """A department-staff account (组织部干部科)."""
    user = User.objects.create_user(
        username=username, password="Lianbing-2026", first_name="干部科"
    )
    Profile.objects.create(user=user, role=Role.STAFF, must_change_password=False)
    return user


def matching_program(*, cadres: int = 4, posts: int = 3, seats: int = 1) -> Program:
    """A small program: ``cadres`` cadres from their own departments, ``posts`` town posts."""
    prog = program(f"匹配测试批次{next(_counter)}")
    pool = [
        cadre(
            code=f"MC{next(_counter):04d}",
            name=f"干部{k + 1}",
            abilities=(80 - k, 70, 75, 65, 60, 55 + k, 85),
        )
        for k in range(cadres)
    ]
    demand_services.program_add_cadres(program=prog, cadres=pool)
    for k in range(posts):
        post(
            program_=prog,
            code=f"MP{k + 1:02d}",
            seats=seats,
            host=unit(f"测试镇{next(_counter)}", kind="town"),
        )
    return prog


def match_run(
    created_by: User,
    *,
    program: Program | None = None,
    cadres: int = 5,
    posts: int = 3,
    **kwargs: Any,
) -> MatchRun:
    """A run computed at once on ``program``, by default a fresh small one (``matching_program``)."""
    program = program or matching_program(cadres=cadres, posts=posts)
    return match_run_create(program=program, created_by=created_by, **kwargs)


def decision(
    run: MatchRun,
    created_by: User,
    kind: str = "forbid",
    cadre_id: int | None = None,
    post_id: int | None = None,
) -> Decision:
    """A review decision with a reason; without a cadre, on the run's first placed pair."""
    if cadre_id is None:
        cadre_id, post_id = next(iter(run.placements.values_list("cadre_id", "post_id")))
    return decision_record(
        run=run,
        kind=kind,
        cadre_id=cadre_id,
        post_id=post_id,
        reason="组织研究决定",
        created_by=created_by,
    )


# --------------------------------------------------------------------------- survey


def survey_round(
    name: str | None = None,
    *,
    deadline_at: datetime.datetime | None = None,
    program_: Program | None = None,
) -> SurveyRound:
    from django.utils import timezone

    from lianbing.survey import services as survey_services

    return survey_services.survey_round_create(
        name=name or f"人才缺口调研{next(_counter)}",
        deadline_at=deadline_at or timezone.now() + datetime.timedelta(days=30),
        program=program_,
    )


def demand(
    *,
    round_: SurveyRound,
    host: Unit,
    title: str = "基层治理岗",
    key_task: str = "化解矛盾纠纷，做好信访维稳",
    category: str = "social",
    seats: int = 1,
    staffing: int = 0,
    tags: str = "",
    priority: int = 2,
    abilities: tuple[tuple[str, float], ...] = (("mass_work", 3.0),),
    submit: bool = True,
) -> Demand:
    from lianbing.survey import services as survey_services

    return survey_services.demand_create(
        survey_round=round_,
        unit=host,
        filed_by=None,
        data=survey_services.DemandInput(
            title=title,
            key_task=key_task,
            category=category,
            seats=seats,
            duration_months=12,
            current_staffing=staffing,
            tags=tags,
            priority=priority,
            abilities=abilities,
        ),
        submit=submit,
    )


def account(
    role: str | None,
    *,
    username: str | None = None,
    password: str = "Lianbing-2026!",
    unit_: Unit | None = None,
    mentor: Mentor | None = None,
    cadre_: Cadre | None = None,
    must_change_password: bool = False,
) -> User:
    """A user with one role (None: an account without a role), through the role-grant service."""
    from lianbing.accounts import services as account_services

    user = User.objects.create_user(
        username=username or f"{role or 'norole'}{next(_counter)}", password=password
    )
    if role is not None:
        account_services.role_grant(
            user=user,
            role=role,
            unit=unit_,
            mentor=mentor,
            cadre=cadre_,
        )
        Profile.objects.filter(user=user).update(must_change_password=must_change_password)
    return user
