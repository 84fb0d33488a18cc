"""Object-level access: one helper per model, never a bare ``objects.get`` in a view.

Department staff see everything of the program. A host-unit contact sees the
posts of their unit and the cadres seconded to them; a mentor the posts they
mentor and their own trainee; a trainee their own profile. Anything else is
answered as if it did not exist (``Http404``), so ids cannot be probed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from lianbing.demand.models import Post
from lianbing.people.models import Cadre, Unit

from .models import Role
from .roles import profile_of, roles_of


def _current_secondments(prefix: str = "secondments__") -> Q:
    return Q(**{f"{prefix}superseded_at__isnull": True})


def visible_cadres(user: Any) -> QuerySet[Cadre]:
    """The cadres whose profile ``user`` may read."""
    roles = roles_of(user)
    if Role.STAFF in roles:
        return Cadre.objects.all()
    profile = profile_of(user)
    scope = Q(pk__in=[])
    if profile is not None and Role.HOST_CONTACT in roles and profile.unit_id:
        scope |= Q(secondments__post__unit_id=profile.unit_id) & _current_secondments()
    if profile is not None and Role.MENTOR in roles and profile.mentor_id:
        scope |= Q(secondments__mentor_id=profile.mentor_id) & _current_secondments()
    if profile is not None and Role.TRAINEE in roles and profile.cadre_id:
        scope |= Q(pk=profile.cadre_id)
    return Cadre.objects.filter(pk__in=Cadre.objects.filter(scope).values("pk"))


def visible_posts(user: Any) -> QuerySet[Post]:
    """The posts ``user`` may read."""
    roles = roles_of(user)
    if Role.STAFF in roles:
        return Post.objects.all()
    profile = profile_of(user)
    scope = Q(pk__in=[])
    if profile is not None and Role.HOST_CONTACT in roles and profile.unit_id:
        scope |= Q(unit_id=profile.unit_id)
    if profile is not None and Role.MENTOR in roles and profile.mentor_id:
        scope |= Q(mentor_id=profile.mentor_id) | (
            Q(secondments__mentor_id=profile.mentor_id) & _current_secondments()
        )
    if profile is not None and Role.TRAINEE in roles and profile.cadre_id:
        scope |= Q(secondments__cadre_id=profile.cadre_id) & _current_secondments()
    return Post.objects.filter(pk__in=Post.objects.filter(scope).values("pk"))


def visible_units(user: Any) -> QuerySet[Unit]:
    """The units whose page ``user`` may read."""
    roles = roles_of(user)
    if Role.STAFF in roles:
        return Unit.objects.all()
    profile = profile_of(user)
    if profile is not None and Role.HOST_CONTACT in roles and profile.unit_id:
        return Unit.objects.filter(pk=profile.unit_id)
    return Unit.objects.none()


def _one(qs: QuerySet[Any], pk: int) -> Any:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def access_cadre(user: Any, cadre_id: int) -> Cadre:
    """The cadre, if ``user`` may read its profile; ``Http404`` otherwise."""
    return _one(visible_cadres(user), cadre_id)  # type: ignore[no-any-return]


def access_post(user: Any, post_id: int) -> Post:
    """The post, if ``user`` may read it; ``Http404`` otherwise."""
    return _one(visible_posts(user), post_id)  # type: ignore[no-any-return]


def access_unit(user: Any, unit_id: int) -> Unit:
    """The unit, if ``user`` may read it; ``Http404`` otherwise."""
    return _one(visible_units(user), unit_id)  # type: ignore[no-any-return]
