"""What the empowerment activities ask of a person, for the home page's 我的待办.

- An assessor: each activity in scoring whose participants they have not all scored.
- A trainee: each activity ahead (planned or scoring, held today or later) they take
  part in, with their group, whether they lead it or organise the activity, and the
  group's task.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from lianbing.accounts.models import Profile, Role
from lianbing.accounts.roles import roles_of
from lianbing.training import clock

from ..access import ASSESSOR_ROLES
from ..models import Activity, ActivityStatus, GroupMember

#: How many participants an assessor's line names before "等共 n 项".
NAMES_SHOWN = 5


@dataclass(frozen=True)
class ActivityDue:
    """A line of 我的待办, shaped like the training period's and the inspection's lines."""

    kind: str
    label: str
    count: int
    url: str
    details: tuple[str, ...]


def assessor_due(user: Any) -> list[ActivityDue]:
    """One line per activity in scoring in which ``user`` still has participants to score."""
    if not (set(ASSESSOR_ROLES) & roles_of(user)):
        return []
    activities = (
        Activity.objects.filter(assessors=user, status=ActivityStatus.SCORING)
        .annotate(
            mine=Count("scores", filter=Q(scores__assessor=user), distinct=True),
            everyone=Count("participants", distinct=True),
        )
        .order_by("held_on", "pk")
    )
    lines = []
    for activity in activities:
        waiting = activity.everyone - activity.mine
        if waiting <= 0:
            continue
        names = (
            activity.participants.exclude(
                activity_scores__activity=activity, activity_scores__assessor=user
            )
            .select_related("cadre")
            .order_by("cadre__name")[:NAMES_SHOWN]
        )
        lines.append(
            ActivityDue(
                kind="activity-score",
                label=_("%(title)s：待评分的成员") % {"title": activity.title},
                count=waiting,
                url=reverse("activities:score", args=[activity.pk]),
                details=tuple(s.cadre.name for s in names),
            )
        )
    return lines


def participant_due(user: Any) -> list[ActivityDue]:
    """The activities ahead that a trainee takes part in, nearest first, as one line."""
    if Role.TRAINEE not in roles_of(user):
        return []
    try:
        cadre_id = user.profile.cadre_id
    except Profile.DoesNotExist:
        return []
    if not cadre_id:
        return []
    ahead = list(
        Activity.objects.filter(
            participants__cadre_id=cadre_id,
            participants__superseded_at__isnull=True,
            status__in=(ActivityStatus.PLANNED, ActivityStatus.SCORING),
            held_on__gte=clock.today(),
        )
        .select_related("organiser")
        .distinct()
        .order_by("held_on", "pk")
    )
    if not ahead:
        return []
    places = {
        m.activity_id: m
        for m in GroupMember.objects.filter(
            activity__in=ahead, secondment__cadre_id=cadre_id
        ).select_related("group")
    }
    details = []
    for activity in ahead:
        parts = [
            _("%(date)s %(title)s")
            % {"date": activity.held_on.strftime("%Y-%m-%d"), "title": activity.title}
        ]
        if activity.place:
            parts.append(activity.place)
        if activity.organiser is not None and activity.organiser.cadre_id == cadre_id:
            parts.append(_("由你组织"))
        member = places.get(activity.pk)
        if member is not None:
            group = member.group
            parts.append(_("第 %(n)d 组") % {"n": group.number})
            if group.leader_id == member.secondment_id:
                parts.append(_("你任组长"))
            if group.task:
                parts.append(_("包干任务：%(task)s") % {"task": group.task})
        details.append("，".join(parts))
    return [
        ActivityDue(
            kind="activity-ahead",
            label=_("即将参加的赋能活动"),
            count=len(ahead),
            url=reverse("activities:activity_detail", args=[ahead[0].pk]),
            details=tuple(details),
        )
    ]
