"""Who may see what of on-site inspection.

- Department staff manage rounds, teams and computations; the auditor reads everything.
- A rater with an account (a mentor or an inspection-team member) sees the
  trainees their teams cover in open rounds, and only their own ratings.
- A trainee sees their own growth record once the round is released; a
  host-unit contact sees the records of their unit's trainees in released rounds.
- Public representatives have no account: their one-time link is the only
  access they have (see ``services/public``).
Out-of-scope records are answered as missing (``Http404``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from lianbing.accounts import roles as account_roles
from lianbing.accounts.models import Role
from lianbing.accounts.roles import profile_of, roles_of
from lianbing.training.models import Secondment

from .models import Conflict, EvaluationRound, RoundStatus, TeamMember

# The department's and the reader's tests are the accounts app's; re-exported for this app's rules.
is_department = account_roles.is_department
reads_everything = account_roles.reads_everything


#: Roles that open any page of inspection (object scope narrows it further).
READERS = (Role.STAFF, Role.AUDITOR, Role.MENTOR, Role.INSPECTOR, Role.TRAINEE, Role.HOST_CONTACT)
#: Roles that rate with an account.
RATERS = (Role.MENTOR, Role.INSPECTOR)


def memberships(user: Any, round_: EvaluationRound | None = None) -> QuerySet[TeamMember]:
    """The team memberships through which ``user`` rates (none for other roles)."""
    if not (set(RATERS) & roles_of(user)):
        return TeamMember.objects.none()
    qs = TeamMember.objects.filter(user=user).select_related("team", "team__round")
    return qs.filter(team__round=round_) if round_ is not None else qs


def rateable_secondments(user: Any, round_: EvaluationRound) -> QuerySet[Secondment]:
    """Trainees ``user`` may rate in an open round: covered by their teams, no declared conflict."""
    if round_.status != RoundStatus.OPEN:
        return Secondment.objects.none()
    mine = memberships(user, round_)
    return (
        Secondment.objects.filter(inspection_teams__members__in=mine)
        .exclude(pk__in=Conflict.objects.filter(member__in=mine).values("secondment"))
        .distinct()
    )


def visible_records(user: Any, round_: EvaluationRound) -> QuerySet[Secondment]:
    """Trainees whose growth record of ``round_`` ``user`` may read."""
    roles = roles_of(user)
    teams = Secondment.objects.filter(inspection_teams__round=round_)
    if Role.STAFF in roles or Role.AUDITOR in roles:
        return Secondment.objects.filter(program=round_.program, superseded_at__isnull=True)
    if round_.status != RoundStatus.RELEASED:
        return Secondment.objects.none()
    profile = profile_of(user)
    scope = Q(pk__in=[])
    if profile is not None and Role.TRAINEE in roles and profile.cadre_id:
        scope |= Q(cadre_id=profile.cadre_id)
    if profile is not None and Role.HOST_CONTACT in roles and profile.unit_id:
        scope |= Q(post__unit_id=profile.unit_id)
    return teams.filter(scope).distinct()


def access_round(user: Any, round_id: int) -> EvaluationRound:
    """A round ``user`` has any business with; ``Http404`` otherwise."""
    round_ = EvaluationRound.objects.select_related("program").filter(pk=round_id).first()
    if round_ is None:
        raise Http404
    if reads_everything(user) or memberships(user, round_).exists():
        return round_
    if visible_records(user, round_).exists():
        return round_
    raise Http404


def access_record(
    user: Any, round_id: int, secondment_id: int
) -> tuple[EvaluationRound, Secondment]:
    """A trainee's growth record in a round, if ``user`` may read it; ``Http404`` otherwise."""
    round_ = access_round(user, round_id)
    secondment = (
        visible_records(user, round_)
        .filter(pk=secondment_id)
        .select_related("cadre", "post", "post__unit", "mentor", "program")
        .first()
    )
    if secondment is None:
        raise Http404
    return round_, secondment
