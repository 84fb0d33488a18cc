"""The earlier program's empowerment series (青鸢赋能计划), finished before its mid-term inspection.

One activity of each kind (青年干部论坛, 无领导小组讨论, 破难比拼赛), a month
apart from the program's second month on, each testing three of the seven
abilities, with every trainee of the program taking part. The words (titles,
topics, the tasks groups own and what they delivered, assessors' remarks)
are in ``data/activities.toml``.

Through the activities services, acting for the department: the series with
the members it selected to organise (择优挑选: the best monthly assessments so
far, one host unit after another, 孙杰 among them), the activities, the
organiser rotation as the engine proposes it, balanced groups, rotating
leaders, each group's task and outcome, and the status changes. The scores are
the demo's history and are bulk-created: three assessors (the department,
李俊 — whose account daoshi takes over — and another mentor) score every
participant on the activity's abilities, from the trainee's latest ability
review and the mentor's monthly assessments, with each assessor's own
leniency and noise. Dates are relative to the program's first day, so that
every activity is finished before the mid-term round closes and counts in its
growth index.
"""

from __future__ import annotations

import datetime
import functools
import math
import random
import tomllib
import zoneinfo
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from lianbing.activities.models import (
    Activity,
    ActivityGroup,
    ActivityKind,
    ActivityScore,
    ActivitySeries,
    ActivityStatus,
)
from lianbing.activities.services import activity as activity_services
from lianbing.activities.services import grouping as grouping_services
from lianbing.activities.services import rotation as rotation_services
from lianbing.activities.services import series as series_services
from lianbing.demand.models import Program
from lianbing.engine import taxonomy
from lianbing.evaluation import adapters
from lianbing.people.models import AbilityAssessment
from lianbing.training.models import Secondment

from .earlier import FEATURED_TRAINEE
from .earlier_load import STAFF_USERNAME, person_username

_CITY_TIME = zoneinfo.ZoneInfo("Asia/Shanghai")
#: Assessors besides the department: 李俊 (the featured trainee's mentor) and one other mentor.
MENTOR_ASSESSORS = 2
#: The last activity is held at least this many days before the day of loading.
DAYS_BEFORE_TODAY = 21


@dataclass(frozen=True)
class ActivityText:
    kind: str
    title: str
    topic: str
    days: int
    place: str
    abilities: tuple[str, ...]
    group_size: int
    tasks: tuple[str, ...]
    outcomes: tuple[str, ...]


@dataclass(frozen=True)
class SeriesText:
    name: str
    description: str
    organisers: int
    activities: tuple[ActivityText, ...]
    comments: Mapping[int, tuple[str, ...]]


def _activity_text(row: Mapping[str, Any]) -> ActivityText:
    if row["kind"] not in ActivityKind.values:
        raise ValueError(f"activities.toml: unknown kind {row['kind']!r}")
    unknown = set(row["abilities"]) - set(taxonomy.ABILITY_CODES)
    if unknown:
        raise ValueError(f"activities.toml: unknown abilities {sorted(unknown)!r}")
    if len(row["tasks"]) != len(row["outcomes"]):
        raise ValueError(f"activities.toml: {row['title']}: one outcome per task")
    return ActivityText(
        kind=row["kind"],
        title=row["title"],
        topic=row["topic"],
        days=int(row["days"]),
        place=row["place"],
        abilities=tuple(row["abilities"]),
        group_size=int(row["group_size"]),
        tasks=tuple(row["tasks"]),
        outcomes=tuple(row["outcomes"]),
    )


@functools.cache
def series_text() -> SeriesText:
    """Read and check ``data/activities.toml`` (once per process)."""
    path = resources.files("lianbing.demodata") / "data" / "activities.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    comments = {int(level): tuple(texts) for level, texts in data["comments"].items()}
    if set(comments) != {1, 2, 3, 4, 5}:
        raise ValueError("activities.toml: remarks for the levels 1-5")
    return SeriesText(
        name=data["series"]["name"],
        description=data["series"]["description"],
        organisers=int(data["series"]["organisers"]),
        activities=tuple(_activity_text(row) for row in data["activity"]),
        comments=comments,
    )


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=_CITY_TIME)


def activity_series_load(*, program: Program, seed: int, today: datetime.date) -> ActivitySeries:
    """Create the program's finished series; called inside the loader's transaction."""
    rng = random.Random(f"{seed}-activities")
    text = series_text()
    staff = get_user_model().objects.get(username=STAFF_USERNAME)
    # The department's account gets its role when ganbuke takes it over; until
    # then it acts as the department in memory only (see accounts.roles).
    staff.is_staff = True
    everyone = list(
        Secondment.objects.filter(program=program, superseded_at__isnull=True)
        .select_related("cadre", "post__unit", "mentor")
        .order_by("pk")
    )
    last_day = today - datetime.timedelta(days=DAYS_BEFORE_TODAY)
    monthly = dict(
        zip(
            (s.pk for s in everyone),
            adapters.mentor_assessment(everyone, last_day),
            strict=True,
        )
    )
    series = series_services.series_create(
        program=program,
        name=text.name,
        description=text.description,
        organisers=_organisers(everyone, monthly, text.organisers),
        by=staff,
    )
    activities = []
    for item in text.activities:
        held_on = program.started_on + datetime.timedelta(days=item.days)
        if held_on > last_day:
            raise ValueError(f"activities.toml: {item.title} would be held after {last_day}")
        activities.append(
            activity_services.activity_create(
                series=series,
                kind=item.kind,
                title=item.title,
                topic=item.topic,
                held_on=held_on,
                abilities=item.abilities,
                participants=everyone,
                assessors=[staff],
                place=item.place,
                group_size=item.group_size,
                by=staff,
            )
        )
    rotation_services.organiser_plan_apply(series=series, by=staff, seed=seed)
    assessors = _assessors(everyone, staff)
    level = _levels(everyone, monthly, rng)
    for activity, item in zip(activities, text.activities, strict=True):
        # The mentors scored with the accounts the earlier program's records
        # were written with; those take a role only when the demo's accounts
        # take them over, so they join the assessors as the demo's history.
        activity.assessors.add(*assessors[1:])
        grouping_services.groups_generate(activity=activity, by=staff, seed=seed)
        grouping_services.groups_leaders_propose(activity=activity, by=staff, seed=seed)
        groups = ActivityGroup.objects.filter(activity=activity).order_by("number")
        for group, task, outcome in zip(groups, item.tasks, item.outcomes, strict=False):
            grouping_services.group_update(
                group=group, by=staff, leader=group.leader, task=task, outcome=outcome
            )
        activity_services.activity_status_set(
            activity=activity, to=ActivityStatus.SCORING, by=staff
        )
        _score(activity, item, everyone, assessors, level, text.comments, rng)
        activity_services.activity_status_set(
            activity=activity, to=ActivityStatus.FINISHED, by=staff
        )
    _date(series, activities)
    return series


def _organisers(
    everyone: Sequence[Secondment], monthly: Mapping[int, float], count: int
) -> list[Secondment]:
    """择优挑选: the featured trainee, then the best monthly assessments, one host unit after another."""

    def merit(s: Secondment) -> float:
        value = monthly[s.pk]
        return -1.0 if math.isnan(value) else float(value)

    by_unit: dict[int, list[Secondment]] = defaultdict(list)
    for s in sorted(everyone, key=lambda s: (-merit(s), s.pk)):
        by_unit[s.post.unit_id].append(s)
    chosen = [s for s in everyone if s.cadre.code == FEATURED_TRAINEE]
    queues = sorted(by_unit.values(), key=lambda q: (-merit(q[0]), q[0].pk))
    while len(chosen) < count and any(queues):
        for queue in queues:
            while queue and queue[0] in chosen:
                queue.pop(0)
            if queue and len(chosen) < count:
                chosen.append(queue.pop(0))
    return chosen


def _assessors(everyone: Sequence[Secondment], staff: User) -> list[User]:
    """The department, then 李俊 (the featured trainee's mentor) and the next mentor by code."""
    featured = next(
        (s.mentor.code for s in everyone if s.cadre.code == FEATURED_TRAINEE and s.mentor),
        None,
    )
    others = sorted({s.mentor.code for s in everyone if s.mentor is not None} - {featured})
    codes = ([featured] if featured else []) + others
    wanted = [person_username(code) for code in codes[:MENTOR_ASSESSORS]]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=wanted)}
    return [staff, *(users[name] for name in wanted)]


def _levels(
    everyone: Sequence[Secondment], monthly: Mapping[int, float], rng: random.Random
) -> dict[int, dict[str, float]]:
    """Each trainee's expected level (1-5) per ability: the latest review, lifted by the months."""
    latest: dict[int, AbilityAssessment] = {}
    for assessment in AbilityAssessment.objects.filter(
        cadre__in=[s.cadre_id for s in everyone]
    ).order_by("cadre", "-assessed_on", "-id"):
        latest.setdefault(assessment.cadre_id, assessment)
    out: dict[int, dict[str, float]] = {}
    for s in everyone:
        review = latest.get(s.cadre_id)
        month = monthly[s.pk]
        lift = 0.0 if math.isnan(month) else (float(month) - 75.0) / 25.0
        out[s.pk] = {
            code: 1.5
            + 3.5 * ((float(getattr(review, code)) if review else 70.0) - 50.0) / 45.0
            + lift
            + rng.gauss(0.0, 0.25)
            for code in taxonomy.ABILITY_CODES
        }
    return out


def _score(
    activity: Activity,
    item: ActivityText,
    everyone: Sequence[Secondment],
    assessors: Sequence[User],
    level: Mapping[int, Mapping[str, float]],
    comments: Mapping[int, Sequence[str]],
    rng: random.Random,
) -> None:
    """Every assessor scores every participant: the expected level, the assessor's leniency, noise."""
    leniency = {u.pk: rng.gauss(0.0, 0.2) for u in assessors}
    low, high = activity.scale_min, activity.scale_max
    rows = []
    for s in everyone:
        for assessor in assessors:
            scores = {
                code: min(
                    high,
                    max(low, round(level[s.pk][code] + leniency[assessor.pk] + rng.gauss(0, 0.35))),
                )
                for code in item.abilities
            }
            mean = round(sum(scores.values()) / len(scores))
            rows.append(
                ActivityScore(
                    activity=activity,
                    assessor=assessor,
                    secondment=s,
                    scores=scores,
                    comment=rng.choice(comments[mean]) if rng.random() < 0.5 else "",
                )
            )
    ActivityScore.objects.bulk_create(rows)


def _date(series: ActivitySeries, activities: Sequence[Activity]) -> None:
    """Creation and scoring times as the department would have written them."""
    first = min(a.held_on for a in activities)
    ActivitySeries.objects.filter(pk=series.pk).update(
        created_at=_at(first - datetime.timedelta(days=20), 10)
    )
    for activity in activities:
        Activity.objects.filter(pk=activity.pk).update(
            created_at=_at(activity.held_on - datetime.timedelta(days=14), 9, 30)
        )
        ActivityScore.objects.filter(activity=activity).update(
            created_at=_at(activity.held_on, 17), updated_at=_at(activity.held_on, 17)
        )
        ActivityGroup.objects.filter(activity=activity).exclude(outcome="").update(
            outcome_recorded_at=_at(activity.held_on + datetime.timedelta(days=3), 16)
        )
