"""Reads of series and activities: the list with its month calendar, a series, an activity.

Every read is narrowed to what the user may open (:mod:`..access`) and loads
its related rows up front, so each page takes the same number of queries
however many series, activities and people it shows.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from lianbing.accounts.models import Role
from lianbing.accounts.roles import roles_of
from lianbing.demand.models import Program
from lianbing.engine import taxonomy
from lianbing.training import clock
from lianbing.training.models import Secondment
from lianbing.training.selectors import secondments as training_selectors

from .. import access
from ..models import Activity, ActivitySeries, ActivityStatus, PairRule

#: The related rows every activity row shows.
_ACTIVITY_RELATED = ("series", "series__program", "organiser", "organiser__cadre")


# --------------------------------------------------------------------------- choices


def current_secondments(program: Program) -> QuerySet[Secondment]:
    """The program's current secondments, the people a series or an activity is made of."""
    return (
        Secondment.objects.filter(program=program, superseded_at__isnull=True)
        .select_related("cadre", "post", "post__unit")
        .order_by("post__unit__name", "cadre__name", "pk")
    )


def assessor_choices() -> QuerySet[User]:
    """Accounts that may be named assessors: department staff, mentors, inspection-team members."""
    return (
        User.objects.filter(is_active=True, profile__role__in=access.ASSESSOR_ROLES)
        .select_related("profile", "profile__mentor")
        .order_by("profile__role", "username", "pk")
    )


def assessor_label(user: User) -> str:
    profile = getattr(user, "profile", None)
    role = str(Role(profile.role).label) if profile is not None else ""
    name = (
        profile.mentor.name
        if profile is not None and profile.mentor is not None
        else user.get_full_name() or user.get_username()
    )
    return f"{name}（{role}）" if role else name


def ability_labels(codes: list[str]) -> list[str]:
    return [taxonomy.ability(code).label for code in codes if code in taxonomy.ABILITY_CODES]


# --------------------------------------------------------------------------- the list


def programs_for(user: Any) -> list[Program]:
    """Programs the list can be narrowed to: all for the department and the auditor,
    else those with a series the user may open."""
    programs = Program.objects.order_by("-started_on", "-id")
    if not access.reads_everything(user):
        programs = programs.filter(
            activity_series__in=access.visible_series(user).values("pk")
        ).distinct()
    return list(programs)


def program_for(user: Any, program_id: int | None, programs: list[Program]) -> Program | None:
    """The program named by id (``Http404`` outside ``programs``), else the one to open on:
    the program in training, as 练兵安排 opens on, when the user may see it."""
    if program_id is not None:
        chosen = next((p for p in programs if p.pk == program_id), None)
        if chosen is None:
            raise Http404
        return chosen
    default = training_selectors.program_of(None)
    if default is not None and any(p.pk == default.pk for p in programs):
        return default
    return programs[0] if programs else None


@dataclass(frozen=True)
class CalendarDay:
    day: datetime.date
    in_month: bool
    today: bool
    activities: list[Activity]


@dataclass(frozen=True)
class SeriesRow:
    series: ActivitySeries
    activity_count: int
    finished_count: int
    first_on: datetime.date | None
    last_on: datetime.date | None


@dataclass(frozen=True)
class SeriesListPage:
    program: Program | None
    programs: list[Program]
    rows: list[SeriesRow]
    month: datetime.date
    previous_month: datetime.date
    next_month: datetime.date
    weeks: list[list[CalendarDay]]
    month_activities: list[Activity]
    weekdays: tuple[str, ...] = ("一", "二", "三", "四", "五", "六", "日")


def parse_month(value: str | None) -> datetime.date | None:
    """``2026-07`` as the first day of that month; None for anything else."""
    if not value or len(value) != 7 or value[4] != "-":
        return None
    year, month = value[:4], value[5:]
    if not (year.isascii() and year.isdigit() and month.isascii() and month.isdigit()):
        return None
    if not 1 <= int(month) <= 12 or not 1900 <= int(year) <= 2999:
        return None
    return datetime.date(int(year), int(month), 1)


def _shift(month: datetime.date, by: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + by
    return datetime.date(index // 12, index % 12 + 1, 1)


def _default_month(activities: QuerySet[Activity], today: datetime.date) -> datetime.date:
    """This month when it has activities; else the month of the next one; else of the last one."""
    here = today.replace(day=1)
    if activities.filter(held_on__year=here.year, held_on__month=here.month).exists():
        return here
    upcoming = (
        activities.filter(held_on__gte=today)
        .order_by("held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    if upcoming is not None:
        return upcoming.replace(day=1)
    last = activities.order_by("-held_on").values_list("held_on", flat=True).first()
    return last.replace(day=1) if last is not None else here


def series_list_page(user: Any, *, program_id: int | None, month: str | None) -> SeriesListPage:
    programs = programs_for(user)
    program = program_for(user, program_id, programs)
    today = clock.today()
    if program is None:
        activities = Activity.objects.none()
        series_qs = ActivitySeries.objects.none()
    else:
        activities = access.visible_activities(user).filter(series__program=program)
        series_qs = access.visible_series(user).filter(program=program)
    shown = parse_month(month) or _default_month(activities, today)
    rows_qs = series_qs.annotate(
        n=Count("activities", filter=Q(activities__in=activities.values("pk")), distinct=True),
        done=Count(
            "activities",
            filter=Q(
                activities__in=activities.values("pk"),
                activities__status=ActivityStatus.FINISHED,
            ),
            distinct=True,
        ),
    ).order_by("-created_at", "-pk")
    span = {
        row["series"]: (row["first"], row["last"])
        for row in activities.values("series").annotate(first=Min("held_on"), last=Max("held_on"))
    }
    rows = [
        SeriesRow(
            series=s,
            activity_count=s.n,
            finished_count=s.done,
            first_on=span.get(s.pk, (None, None))[0],
            last_on=span.get(s.pk, (None, None))[1],
        )
        for s in rows_qs
    ]
    weeks_days = calendar.Calendar(firstweekday=0).monthdatescalendar(shown.year, shown.month)
    month_activities = list(
        activities.filter(held_on__gte=weeks_days[0][0], held_on__lte=weeks_days[-1][-1])
        .select_related(*_ACTIVITY_RELATED)
        .order_by("held_on", "pk")
    )
    by_day: dict[datetime.date, list[Activity]] = defaultdict(list)
    for a in month_activities:
        by_day[a.held_on].append(a)
    weeks = [
        [
            CalendarDay(
                day=d, in_month=d.month == shown.month, today=d == today, activities=by_day[d]
            )
            for d in week
        ]
        for week in weeks_days
    ]
    return SeriesListPage(
        program=program,
        programs=programs,
        rows=rows,
        month=shown,
        previous_month=_shift(shown, -1),
        next_month=_shift(shown, 1),
        weeks=weeks,
        month_activities=[a for a in month_activities if a.held_on.month == shown.month],
    )


# --------------------------------------------------------------------------- links


def _url(name: str, *args: int) -> str:
    """The address of a page of the app; "" while that page is not installed.

    The groups, scoring and results pages are separate modules of this app;
    a series or activity page links to each that is present.
    """
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class ActivityLinks:
    groups: str = ""
    groups_print: str = ""
    score: str = ""
    results: str = ""


def assessed_ids(user: Any) -> set[int]:
    """The activities ``user`` is named assessor of (none for other roles)."""
    if not set(access.ASSESSOR_ROLES) & roles_of(user):
        return set()
    return set(user.assessed_activities.values_list("pk", flat=True))


def activity_links(user: Any, activity: Activity, assessed: set[int]) -> ActivityLinks:
    """Links to the activity's other pages that ``user`` has business on.

    ``assessed`` is :func:`assessed_ids` of ``user``, read once for a page of many activities.
    """
    everything = access.reads_everything(user)
    department = access.is_department(user)
    assessor = activity.status == ActivityStatus.SCORING and activity.pk in assessed
    return ActivityLinks(
        groups=_url("activities:groups", activity.pk),
        groups_print=_url("activities:groups_print", activity.pk) if department else "",
        score=_url("activities:score", activity.pk) if assessor else "",
        results=(
            _url("activities:results", activity.pk)
            if everything or activity.status == ActivityStatus.FINISHED
            else ""
        ),
    )


# --------------------------------------------------------------------------- a series


@dataclass(frozen=True)
class ActivityRow:
    activity: Activity
    links: ActivityLinks


@dataclass(frozen=True)
class SeriesPage:
    series: ActivitySeries
    rows: list[ActivityRow]
    organisers: list[Secondment]
    rules: list[PairRule]
    rotation_problems: list[str] = field(default_factory=list)


def series_activities(series: ActivitySeries, user: Any) -> list[Activity]:
    """The activities of ``series`` ``user`` may open, in date order."""
    return list(
        access.visible_activities(user)
        .filter(series=series)
        .select_related(*_ACTIVITY_RELATED)
        .order_by("held_on", "pk")
    )


def series_organisers(series: ActivitySeries) -> list[Secondment]:
    return list(
        series.organisers.select_related("cadre", "post", "post__unit").order_by(
            "post__unit__name", "cadre__name", "pk"
        )
    )


def series_rules(series: ActivitySeries) -> list[PairRule]:
    return list(
        series.pair_rules.select_related("first__cadre", "second__cadre").order_by("kind", "pk")
    )


def rule_of(series: ActivitySeries, rule_id: int) -> PairRule:
    rule = series.pair_rules.select_related("first__cadre", "second__cadre").filter(pk=rule_id)
    found = rule.first()
    if found is None:
        raise Http404
    return found


def program_secondment(program: Program, secondment_id: int | None) -> Secondment | None:
    if secondment_id is None:
        return None
    return current_secondments(program).filter(pk=secondment_id).first()


# --------------------------------------------------------------------------- an activity


@dataclass(frozen=True)
class ActivityPage:
    activity: Activity
    abilities: list[str]
    participants: list[Secondment]
    assessors: list[str]
    links: ActivityLinks
    score_count: int
    group_count: int


def activity_page(user: Any, activity: Activity) -> ActivityPage:
    participants = list(
        activity.participants.select_related("cadre", "post", "post__unit").order_by(
            "post__unit__name", "cadre__name", "pk"
        )
    )
    assessors = (
        [
            assessor_label(u)
            for u in activity.assessors.select_related("profile", "profile__mentor").order_by(
                "username", "pk"
            )
        ]
        if access.reads_everything(user)
        else []
    )
    return ActivityPage(
        activity=activity,
        abilities=ability_labels(activity.abilities),
        participants=participants,
        assessors=assessors,
        links=activity_links(user, activity, assessed_ids(user)),
        score_count=activity.scores.count(),
        group_count=activity.groups.count(),
    )


def series_page(user: Any, series: ActivitySeries, *, rotation_problems: list[str]) -> SeriesPage:
    """A series as ``user`` sees it: the pair rules and the rotation check for the department
    and the auditor only (a rule's reason can be personal)."""
    assessed = assessed_ids(user)
    everything = access.reads_everything(user)
    return SeriesPage(
        series=series,
        rows=[
            ActivityRow(activity=a, links=activity_links(user, a, assessed))
            for a in series_activities(series, user)
        ],
        organisers=series_organisers(series),
        rules=series_rules(series) if everything else [],
        rotation_problems=rotation_problems if everything else [],
    )
