"""Who may see what of the empowerment activities.

- Department staff manage series, activities, groups and rotation; the
  auditor reads everything.
- An assessor (an account named on an activity: department staff, a mentor or
  an inspection-team member) scores that activity's participants and sees
  only their own scores.
- A trainee sees the activities they take part in or organise, their group
  and its task, and their own results once the activity is finished.
- A mentor sees the activities of their confirmed trainees and their results
  once finished; a host-unit contact those of their unit's trainees.
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

from .models import Activity, ActivitySeries, ActivityStatus

# The department's and the reader's tests are the accounts app's; re-exported for this app's rules.
is_department = account_roles.is_department
reads_everything = account_roles.reads_everything


#: Roles that open the activity pages at all (object scope narrows it further).
READERS = (Role.STAFF, Role.AUDITOR, Role.MENTOR, Role.INSPECTOR, Role.TRAINEE, Role.HOST_CONTACT)
#: Roles whose accounts may be named assessors of an activity.
ASSESSOR_ROLES = (Role.STAFF, Role.MENTOR, Role.INSPECTOR)


def followed_secondments(user: Any) -> QuerySet[Secondment]:
    """The secondments whose activities ``user`` follows as trainee, mentor or host contact."""
    roles = roles_of(user)
    profile = profile_of(user)
    if profile is None:
        return Secondment.objects.none()
    scope = Q(pk__in=[])
    if Role.TRAINEE in roles and profile.cadre_id:
        scope |= Q(cadre_id=profile.cadre_id)
    if Role.MENTOR in roles and profile.mentor_id:
        scope |= Q(mentor_id=profile.mentor_id, mentor_confirmed_at__isnull=False)
    if Role.HOST_CONTACT in roles and profile.unit_id:
        scope |= Q(post__unit_id=profile.unit_id)
    return Secondment.objects.filter(scope, superseded_at__isnull=True)


def visible_activities(user: Any) -> QuerySet[Activity]:
    """Activities ``user`` may open."""
    if reads_everything(user):
        return Activity.objects.all()
    followed = followed_secondments(user)
    scope = Q(participants__in=followed) | Q(organiser__in=followed)
    if set(ASSESSOR_ROLES) & roles_of(user):
        scope |= Q(assessors=user)
    return Activity.objects.filter(scope).distinct()


def visible_series(user: Any) -> QuerySet[ActivitySeries]:
    """Series with at least one activity ``user`` may open (all of them for staff and auditor)."""
    if reads_everything(user):
        return ActivitySeries.objects.all()
    return ActivitySeries.objects.filter(activities__in=visible_activities(user)).distinct()


def access_series(user: Any, series_id: int) -> ActivitySeries:
    series = visible_series(user).select_related("program").filter(pk=series_id).first()
    if series is None:
        raise Http404
    return series


def access_activity(user: Any, activity_id: int) -> Activity:
    """An activity ``user`` has any business with; ``Http404`` otherwise."""
    activity = (
        visible_activities(user)
        .select_related("series", "series__program", "organiser", "organiser__cadre")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise Http404
    return activity


def is_assessor(user: Any, activity: Activity) -> bool:
    return (
        bool(set(ASSESSOR_ROLES) & roles_of(user))
        and activity.assessors.filter(pk=user.pk).exists()
    )


def visible_results(user: Any, activity: Activity) -> QuerySet[Secondment]:
    """Participants whose results of ``activity`` ``user`` may read.

    Staff and auditor: everyone, at any time. Others: the secondments they
    follow, once the activity is finished. An assessor's own scores are shown
    on the scoring page, not here.
    """
    participants = activity.participants.all()
    if reads_everything(user):
        return participants
    if activity.status != ActivityStatus.FINISHED:
        return Secondment.objects.none()
    return participants.filter(pk__in=followed_secondments(user).values("pk"))
