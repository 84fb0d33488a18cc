"""Reads of evaluation rounds: lists, the round page, the team page and the rater's pages."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from lianbing.accounts.models import Profile, Role
from lianbing.demand.models import Program
from lianbing.people.models import Mentor
from lianbing.training.models import Secondment

from ..access import memberships, rateable_secondments, reads_everything
from ..models import (
    Conflict,
    EvaluationRound,
    FormItem,
    InspectionTeam,
    RaterKind,
    Rating,
    RoundStatus,
    TeamMember,
)


@dataclass
class ProgramRounds:
    program: Program
    rounds: list[EvaluationRound]


@dataclass
class RaterRound:
    round: EvaluationRound
    to_rate: int
    rated: int


@dataclass
class RoundList:
    programs: list[ProgramRounds] = field(default_factory=list)
    rater_rounds: list[RaterRound] = field(default_factory=list)


def round_list(user: Any) -> RoundList:
    """Department and auditor: every round per program; a rater: their open rounds."""
    result = RoundList()
    if reads_everything(user):
        rounds = list(EvaluationRound.objects.select_related("program"))
        for program in Program.objects.order_by("-pk"):
            result.programs.append(
                ProgramRounds(program, [r for r in rounds if r.program_id == program.pk])
            )
    mine = memberships(user).filter(team__round__status=RoundStatus.OPEN)
    for round_ in EvaluationRound.objects.filter(teams__members__in=mine).distinct():
        rateable = rateable_secondments(user, round_)
        rated = (
            Rating.objects.filter(member__in=memberships(user, round_), secondment__in=rateable)
            .values("secondment")
            .distinct()
            .count()
        )
        result.rater_rounds.append(RaterRound(round_, rateable.count(), rated))
    return result


def open_problems(round_: EvaluationRound) -> list[str]:
    """What keeps ``round_`` from opening (empty when it may open)."""
    problems = []
    if not round_.items.exists():
        problems.append(_("评价表没有评价项目。"))
    ready = (
        round_.teams.filter(secondments__isnull=False, members__isnull=False).distinct().exists()
    )
    if not ready:
        problems.append(_("至少需要一个既有考察对象又有成员的考察组。"))
    return problems


@dataclass
class CoverageRow:
    secondment: Secondment
    raters: dict[str, int]
    ratings: dict[str, int]
    total_ratings: int
    excluded: int


@dataclass
class RoundPage:
    round: EvaluationRound
    items: list[FormItem]
    teams: list[InspectionTeam]
    coverage: list[CoverageRow]
    kinds: list[tuple[str, Any]]
    rating_count: int
    form_editable: bool
    open_problems: list[str]


def _teams(round_: EvaluationRound) -> QuerySet[InspectionTeam]:
    return round_.teams.prefetch_related(
        Prefetch("secondments", queryset=Secondment.objects.select_related("cadre", "post__unit")),
        Prefetch("members", queryset=TeamMember.objects.prefetch_related("conflicts")),
    )


def round_page(round_: EvaluationRound) -> RoundPage:
    teams = list(_teams(round_))
    ratings = list(Rating.objects.filter(round=round_).values_list("secondment_id", "member__kind"))
    received: dict[int, Counter[str]] = {}
    for secondment_id, kind in ratings:
        received.setdefault(secondment_id, Counter())[kind] += 1
    rows: dict[int, CoverageRow] = {}
    for team in teams:
        for secondment in team.secondments.all():
            row = rows.setdefault(
                secondment.pk,
                CoverageRow(
                    secondment,
                    dict.fromkeys(RaterKind.values, 0),
                    dict(received.get(secondment.pk, Counter())),
                    sum(received.get(secondment.pk, Counter()).values()),
                    0,
                ),
            )
            for member in team.members.all():
                if any(c.secondment_id == secondment.pk for c in member.conflicts.all()):
                    row.excluded += 1
                else:
                    row.raters[member.kind] += 1
    coverage = sorted(rows.values(), key=lambda r: (r.secondment.cadre.name, r.secondment.pk))
    for row in coverage:
        row.ratings = {kind: row.ratings.get(kind, 0) for kind in RaterKind.values}
    return RoundPage(
        round=round_,
        items=list(round_.items.all()),
        teams=teams,
        coverage=coverage,
        kinds=list(RaterKind.choices),
        rating_count=len(ratings),
        form_editable=round_.status == RoundStatus.DRAFT and not ratings,
        open_problems=open_problems(round_) if round_.status == RoundStatus.DRAFT else [],
    )


def team_of(round_: EvaluationRound, team_id: int) -> InspectionTeam:
    """A team of ``round_`` (the round already passed its access check); ``Http404`` otherwise."""
    team = _teams(round_).filter(pk=team_id).first()
    if team is None:
        raise Http404
    return team


def member_of(team: InspectionTeam, member_id: int) -> TeamMember:
    member = team.members.filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


def conflict_of(team: InspectionTeam, conflict_id: int) -> Conflict:
    conflict = Conflict.objects.filter(pk=conflict_id, member__team=team).first()
    if conflict is None:
        raise Http404
    return conflict


def item_of(round_: EvaluationRound, item_id: int) -> FormItem:
    item = round_.items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


def program_of(program_id: int | None) -> Program | None:
    return Program.objects.filter(pk=program_id).first() if program_id else None


def current_secondment(round_: EvaluationRound, secondment_id: int | None) -> Secondment | None:
    """A current secondment of the round's program, or None."""
    if not secondment_id:
        return None
    return (
        Secondment.objects.filter(
            pk=secondment_id, program=round_.program, superseded_at__isnull=True
        )
        .select_related("cadre")
        .first()
    )


def mentor_choice(mentor_id: int | None) -> Mentor | None:
    if not mentor_id:
        return None
    return Mentor.objects.filter(pk=mentor_id, account__isnull=False).select_related("unit").first()


def inspector_choice(user_id: int | None) -> Any:
    if not user_id:
        return None
    profile = (
        Profile.objects.filter(user_id=user_id, role=Role.INSPECTOR).select_related("user").first()
    )
    return profile.user if profile is not None else None


@dataclass
class TeamPage:
    round: EvaluationRound
    team: InspectionTeam
    candidates: list[Secondment]
    mentors: list[Mentor]
    inspectors: list[Profile]
    conflicts: list[Conflict]
    editable: bool


def team_page(round_: EvaluationRound, team: InspectionTeam) -> TeamPage:
    covered = {s.pk for s in team.secondments.all()}
    candidates = [
        s
        for s in Secondment.objects.filter(
            program=round_.program, superseded_at__isnull=True
        ).select_related("cadre", "post__unit")
        if s.pk not in covered
    ]
    taken = {m.user_id for m in team.members.all() if m.user_id}
    mentors = [
        m
        for m in Mentor.objects.filter(account__isnull=False).select_related("unit", "account")
        if m.account.user_id not in taken
    ]
    inspectors = list(
        Profile.objects.filter(role=Role.INSPECTOR)
        .exclude(user_id__in=taken)
        .select_related("user")
        .order_by("user__username")
    )
    conflicts = list(
        Conflict.objects.filter(member__team=team)
        .select_related("member", "secondment__cadre")
        .order_by("member__name", "secondment__cadre__name")
    )
    return TeamPage(
        round=round_,
        team=team,
        candidates=candidates,
        mentors=mentors,
        inspectors=inspectors,
        conflicts=conflicts,
        editable=round_.status in (RoundStatus.DRAFT, RoundStatus.OPEN),
    )


@dataclass
class RateRow:
    secondment: Secondment
    rated: bool


def rate_list(user: Any, round_: EvaluationRound) -> list[RateRow]:
    """The trainees ``user`` may rate in ``round_``, with whether they have rated each."""
    rateable = list(
        rateable_secondments(user, round_)
        .select_related("cadre", "post__unit")
        .order_by("cadre__name", "pk")
    )
    done = set(
        Rating.objects.filter(
            member__in=memberships(user, round_), secondment__in=[s.pk for s in rateable]
        ).values_list("secondment_id", flat=True)
    )
    return [RateRow(s, s.pk in done) for s in rateable]


@dataclass
class RateForm:
    round: EvaluationRound
    secondment: Secondment
    items: list[FormItem]
    mine: Rating | None
    rateable: bool


def rate_form(user: Any, round_: EvaluationRound, secondment_id: int) -> RateForm:
    """The form to rate one trainee covered by ``user``'s teams; ``Http404`` for any other.

    ``rateable`` is False when the round is not open or a conflict was declared:
    the page says so and the service refuses a submission.
    """
    mine = memberships(user, round_)
    secondment = (
        Secondment.objects.filter(inspection_teams__members__in=mine, pk=secondment_id)
        .select_related("cadre", "post__unit")
        .first()
    )
    if secondment is None:
        raise Http404
    rating = Rating.objects.filter(member__in=mine, secondment=secondment).first()
    rateable = rateable_secondments(user, round_).filter(pk=secondment.pk).exists()
    return RateForm(round_, secondment, list(round_.items.all()), rating, rateable)
