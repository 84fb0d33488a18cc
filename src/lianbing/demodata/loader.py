"""Puts the generated demo program into the database, once.

Loading is all-or-nothing (one transaction) and idempotent: when the demo
program already exists nothing is written, so ``lianbing demo`` can run any
number of times and leave the same data.

Two programs are loaded, dated from the day of loading (the training clock,
``lianbing.training.clock.today``): the program being matched, which starts
in the first March after that day (its survey closed two weeks before the
start, or two weeks before the day of loading when the start is later); and
an earlier program, four months into its training period (:mod:`.earlier`,
:mod:`.earlier_load`), whose mid-term inspection is finished and released
(:mod:`.evaluation_load`), after an empowerment series of one activity of each
kind (:mod:`.activities_load`).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lianbing.demand import services as demand_services
from lianbing.demand.models import Post, Program
from lianbing.engine import scoring
from lianbing.people import services as people_services
from lianbing.people.models import AssessmentSource, Cadre, Mentor, Unit
from lianbing.survey import services as survey_services
from lianbing.training import clock

from .activities_load import activity_series_load
from .earlier import current_year
from .earlier_load import earlier_program_load
from .evaluation_load import evaluation_round_load
from .generator import DemoProgram, UnitSpec, generate

DEMO_SEED = 2021
_CITY_TIME = zoneinfo.ZoneInfo("Asia/Shanghai")
#: The names the demo gives its programs ("2027年度百岗大练兵"): any of them means it is loaded.
_DEMO_NAME = r"^[0-9]{4}年度百岗大练兵$"


@dataclass(frozen=True)
class DemoLoadResult:
    created: bool
    program: Program
    cadres: int
    posts: int


def _month(text: str) -> datetime.date:
    year, month = text.split("-")
    return datetime.date(int(year), int(month), 1)


def _units_parents_first(units: tuple[UnitSpec, ...]) -> list[UnitSpec]:
    by_name = {u.name: u for u in units}

    def depth(u: UnitSpec) -> int:
        d = 0
        while u.parent and u.parent in by_name and d < len(units):
            u = by_name[u.parent]
            d += 1
        return d

    return sorted(units, key=depth)


@transaction.atomic
def demo_program_load(*, seed: int = DEMO_SEED) -> DemoLoadResult:
    """Load the demo programs generated with ``seed`` unless they are already there.

    The result names the program being matched (the newest), loaded now or before.
    """
    existing = Program.objects.filter(name__regex=_DEMO_NAME).order_by("-started_on").first()
    if existing is not None:
        return DemoLoadResult(
            created=False,
            program=existing,
            cadres=existing.cadres.count(),
            posts=existing.posts.count(),
        )
    today = clock.today()
    demo: DemoProgram = generate(seed=seed, year=current_year(today))
    selection = _selection_deadline(demo)

    units: dict[str, Unit] = {}
    for spec in _units_parents_first(demo.units):
        units[spec.name] = people_services.unit_ensure(
            name=spec.name,
            kind=spec.kind,
            parent=units.get(spec.parent) if spec.parent else None,
            short_name=spec.short_name,
        )

    mentors: dict[tuple[str, str], Mentor] = {}
    for m in demo.mentors:
        mentors[(m.unit, m.name)] = people_services.mentor_create(
            code=m.id, name=m.name, unit=units[m.unit], position=m.position
        )

    cadres: dict[str, Cadre] = {}
    for profile in demo.cadres:
        derived = profile.category is None
        category = scoring.derive_category(profile) if derived else profile.category
        assert category is not None
        cadres[profile.id] = people_services.cadre_create(
            profile=profile,
            category=category,
            category_derived=derived,
            assessed_on=selection.date() - datetime.timedelta(days=7),
            source=AssessmentSource.IMPORT,
        )
    for entry in demo.work_history:
        people_services.work_history_add(
            cadre=cadres[entry.cadre_id],
            started_on=_month(entry.start),
            ended_on=_month(entry.end) if entry.end else None,
            unit_name=entry.unit,
            position=entry.position,
            is_grassroots=entry.grassroots,
        )

    program = demand_services.program_create(
        name=demo.name, started_on=demo.start, ended_on=demo.end
    )
    demand_services.program_add_cadres(program=program, cadres=cadres.values())

    wanted_by: defaultdict[str, list[Cadre]] = defaultdict(list)
    for profile in demo.cadres:
        for post_id in profile.preferred_posts:
            wanted_by[post_id].append(cadres[profile.id])
    posts: dict[str, Post] = {}
    for post_profile in demo.posts:
        post = posts[post_profile.id] = demand_services.post_create(
            program=program,
            profile=post_profile,
            unit=units[post_profile.unit],
            mentor=mentors.get((post_profile.unit, post_profile.mentor)),
        )
        if wanted_by[post_profile.id]:
            demand_services.post_set_preferred_by(post=post, cadres=wanted_by[post_profile.id])

    _load_survey(demo, program, units, posts, deadline=selection)
    earlier = earlier_program_load(
        demo=demo, seed=seed, today=today, units=units, mentors=mentors, cadres=cadres
    )
    activity_series_load(program=earlier, seed=seed, today=today)
    evaluation_round_load(program=earlier, seed=seed, today=today)
    return DemoLoadResult(created=True, program=program, cadres=len(cadres), posts=len(demo.posts))


@dataclass(frozen=True)
class _OpenNeed:
    """A demand of the demo survey that no post answers yet."""

    unit: str
    title: str
    key_task: str
    category: str
    tags: str
    seats: int
    priority: int
    status: str  # "submitted", "returned" or "draft"
    comment: str = ""


# Needs the host units filed that the department has not turned into posts:
# they make the gap analysis show what the pool cannot cover.
_OPEN_NEEDS: tuple[_OpenNeed, ...] = (
    _OpenNeed(
        "独山港镇",
        "港航物流岗",
        "推进独山港区集装箱码头扩建与海河联运，服务临港企业物流需求",
        "economy",
        "港航物流",
        2,
        3,
        "submitted",
    ),
    _OpenNeed(
        "平湖经济技术开发区",
        "跨境电商岗",
        "培育跨境电商产业园，年内引进跨境电商企业20家",
        "economy",
        "跨境电商",
        1,
        2,
        "submitted",
    ),
    _OpenNeed(
        "乍浦镇",
        "海塘安澜岗",
        "推进海塘安澜工程建设，做好汛期防汛防台和应急值守",
        "construction",
        "水利工程",
        1,
        3,
        "returned",
        "请补充本单位在该条线的现有人员情况和所需专长后重新提交。",
    ),
    _OpenNeed(
        "当湖街道",
        "未来社区岗",
        "创建未来社区试点，推进老旧小区改造和社区智慧服务",
        "social",
        "未来社区",
        1,
        2,
        "draft",
    ),
    _OpenNeed(
        "新埭镇",
        "农村电商岗",
        "发展农村电商，带动特色农产品线上销售和村集体增收",
        "livelihood",
        "农村电商",
        1,
        1,
        "submitted",
    ),
)


def _selection_deadline(demo: DemoProgram) -> datetime.datetime:
    """When the survey of the program being matched closed: two weeks before its start,
    and two weeks ago at the latest (the program starts months ahead, its survey is over)."""
    today = timezone.localdate(timezone=_CITY_TIME)
    day = min(demo.start, today) - datetime.timedelta(days=14)
    return datetime.datetime.combine(day, datetime.time(17, 0), tzinfo=_CITY_TIME)


def _load_survey(
    demo: DemoProgram,
    program: Program,
    units: dict[str, Unit],
    posts: dict[str, Post],
    *,
    deadline: datetime.datetime,
) -> None:
    """The survey the program's posts came from, plus a few needs still open."""
    filed = deadline - datetime.timedelta(days=7)
    reviewed = deadline + datetime.timedelta(days=3)
    survey_round = survey_services.survey_round_create(
        name=f"{demo.start.year}年度人才缺口调研", deadline_at=deadline, program=program
    )
    for index, profile in enumerate(demo.posts):
        demand = survey_services.demand_create(
            survey_round=survey_round,
            unit=units[profile.unit],
            filed_by=None,
            data=survey_services.DemandInput(
                title=profile.name,
                key_task=profile.key_tasks or profile.name,
                category=profile.category,
                seats=profile.seats,
                duration_months=profile.duration_months,
                duties=profile.duties,
                expertise_needed=profile.expertise_needed,
                abilities=profile.core_abilities,
                current_staffing=index % 3,
            ),
            submit=True,
            now=filed,
        )
        survey_services.demand_accept(demand=demand, now=reviewed)
        survey_services.demand_link_post(demand=demand, post=posts[profile.id], now=reviewed)
    for need in _OPEN_NEEDS:
        demand = survey_services.demand_create(
            survey_round=survey_round,
            unit=units[need.unit],
            filed_by=None,
            data=survey_services.DemandInput(
                title=need.title,
                key_task=need.key_task,
                category=need.category,
                seats=need.seats,
                duration_months=12,
                tags=need.tags,
                priority=need.priority,
            ),
            submit=need.status != "draft",
            now=filed,
        )
        if need.status == "returned":
            survey_services.demand_return(demand=demand, comment=need.comment, now=reviewed)
    # A supplementary round still open, so that a host-unit contact can file a
    # demand in the demo; its deadline is counted from the day the demo is loaded.
    today = timezone.localdate(timezone=_CITY_TIME)
    survey_services.survey_round_create(
        name=f"{demo.start.year}年度补充岗位需求调研",
        deadline_at=datetime.datetime.combine(
            today + datetime.timedelta(days=30), datetime.time(17, 0), tzinfo=_CITY_TIME
        ),
        program=program,
        note="练兵期间新增的重点任务，请在截止时间前补充填报岗位需求。",
    )
