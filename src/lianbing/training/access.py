"""Who may read and write the records of the training period.

- Department staff (组织部干部科) read and manage everything.
- The auditor reads everything and writes nothing.
- A host-unit contact reads the secondments to their unit.
- A mentor reads and writes the records of their own trainees: secondments
  whose mentor they are, once the department has confirmed the pairing.
- A trainee reads their own secondment and writes their own logs, milestone
  updates and plan comments.

Every view and download goes through these helpers; out-of-scope records are
answered as missing (``Http404``) so ids cannot be probed. Superseded
secondments stay readable by the department and the auditor only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from lianbing.accounts import roles as account_roles
from lianbing.accounts.models import Role
from lianbing.accounts.roles import profile_of, roles_of

from .models import LogAttachment, Secondment, TrainingPlan, WorkLog

# The department's and the reader's tests are the accounts app's; re-exported for this app's rules.
is_department = account_roles.is_department


#: Roles that open the pages of the training period at all.
READERS = (Role.STAFF, Role.AUDITOR, Role.HOST_CONTACT, Role.MENTOR, Role.TRAINEE)


def visible_secondments(user: Any) -> QuerySet[Secondment]:
    """The secondments whose records ``user`` may read."""
    roles = roles_of(user)
    base = Secondment.objects.select_related(
        "cadre", "post", "post__unit", "mentor", "mentor__unit", "program"
    )
    if Role.STAFF in roles or Role.AUDITOR in roles:
        return base
    profile = profile_of(user)
    scope = Q(pk__in=[])
    if profile is not None and Role.HOST_CONTACT in roles and profile.unit_id:
        scope |= Q(post__unit_id=profile.unit_id)
    if profile is not None and Role.MENTOR in roles and profile.mentor_id:
        scope |= Q(mentor_id=profile.mentor_id, mentor_confirmed_at__isnull=False)
    if profile is not None and Role.TRAINEE in roles and profile.cadre_id:
        scope |= Q(cadre_id=profile.cadre_id)
    return base.filter(scope, superseded_at__isnull=True)


def _current(user: Any, secondment_id: int) -> Secondment:
    secondment = visible_secondments(user).filter(pk=secondment_id).first()
    if secondment is None:
        raise Http404
    return secondment


def access_secondment(user: Any, secondment_id: int) -> Secondment:
    """The secondment, if ``user`` may read its records; ``Http404`` otherwise."""
    return _current(user, secondment_id)


def is_mentor_of(user: Any, secondment: Secondment) -> bool:
    """``user`` is the confirmed mentor of this current secondment."""
    profile = profile_of(user)
    return (
        Role.MENTOR in roles_of(user)
        and profile is not None
        and profile.mentor_id is not None
        and secondment.mentor_id == profile.mentor_id
        and secondment.mentor_confirmed_at is not None
        and secondment.superseded_at is None
    )


def is_trainee_of(user: Any, secondment: Secondment) -> bool:
    """``user`` is the trainee of this current secondment."""
    profile = profile_of(user)
    return (
        Role.TRAINEE in roles_of(user)
        and profile is not None
        and profile.cadre_id is not None
        and secondment.cadre_id == profile.cadre_id
        and secondment.superseded_at is None
    )


def access_plan(user: Any, plan_id: int) -> TrainingPlan:
    """A plan version of a secondment ``user`` may read; ``Http404`` otherwise."""
    plan = (
        TrainingPlan.objects.filter(
            pk=plan_id, secondment__in=visible_secondments(user).values("pk")
        )
        .select_related("secondment")
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def access_log(user: Any, log_id: int) -> WorkLog:
    """A work log of a secondment ``user`` may read; ``Http404`` otherwise."""
    log = (
        WorkLog.objects.filter(pk=log_id, secondment__in=visible_secondments(user).values("pk"))
        .select_related("secondment")
        .first()
    )
    if log is None:
        raise Http404
    return log


def access_attachment(user: Any, attachment_id: int) -> LogAttachment:
    """An attachment of a log ``user`` may read; ``Http404`` otherwise."""
    attachment = (
        LogAttachment.objects.filter(
            pk=attachment_id, log__secondment__in=visible_secondments(user).values("pk")
        )
        .select_related("log")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment
