"""Who may open what in the survey: the one place that looks rows up for a user.

Department staff (and superusers) see every round, demand and unit. A host-unit
contact sees rounds, and only the demands and gap page of the own unit: any
other unit's demand is "not found" (404), so guessing ids reveals nothing.
Every other role is refused (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from lianbing.accounts.models import Role
from lianbing.accounts.roles import role_of
from lianbing.people.models import Unit

from .models import Demand, SurveyRound


@dataclass(frozen=True)
class Actor:
    """The user as the survey sees them: staff, or the contact of one unit."""

    is_staff: bool
    unit: Unit | None

    @property
    def is_contact(self) -> bool:
        return self.unit is not None and not self.is_staff


def actor_of(user: Any) -> Actor:
    """Staff or host-unit contact; PermissionDenied for anyone else."""
    role = role_of(user)
    if role == Role.STAFF:
        return Actor(is_staff=True, unit=None)
    if role == Role.HOST_CONTACT and user.profile.unit_id is not None:
        return Actor(is_staff=False, unit=user.profile.unit)
    raise PermissionDenied


def require_staff(user: Any) -> Actor:
    actor = actor_of(user)
    if not actor.is_staff:
        raise PermissionDenied
    return actor


def require_contact(user: Any) -> Actor:
    actor = actor_of(user)
    if not actor.is_contact:
        raise PermissionDenied
    return actor


def visible_demands(actor: Actor) -> QuerySet[Demand]:
    """The demands the actor may see."""
    qs = Demand.objects.all()
    if actor.is_staff:
        return qs
    assert actor.unit is not None
    return qs.filter(unit=actor.unit)


def access_round(user: Any, round_id: int) -> tuple[Actor, SurveyRound]:
    """A round, for staff or a contact (404 when it does not exist)."""
    actor = actor_of(user)
    return actor, get_object_or_404(SurveyRound.objects.select_related("program"), pk=round_id)


def access_demand(user: Any, demand_id: int) -> tuple[Actor, Demand]:
    """A demand the user may see: any for staff, the own unit's for a contact, else 404."""
    actor = actor_of(user)
    qs = (
        visible_demands(actor)
        .select_related("survey_round__program", "unit", "post__program", "filed_by")
        .prefetch_related("abilities")
    )
    return actor, get_object_or_404(qs, pk=demand_id)


def access_unit(user: Any, unit_id: int) -> tuple[Actor, Unit]:
    """A host unit's gap page: any host unit for staff, only the own unit for a contact."""
    actor = actor_of(user)
    if actor.is_contact and actor.unit is not None and actor.unit.pk != unit_id:
        raise Http404
    return actor, get_object_or_404(Unit.objects.exclude(kind="department"), pk=unit_id)
