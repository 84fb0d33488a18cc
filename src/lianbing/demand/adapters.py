"""ORM rows of this app as the engine's types."""

from __future__ import annotations

from typing import Any, Final

from lianbing.engine.profiles import PostProfile

from .models import Post

#: The post's model fields filled from its profile, with the profile attribute
#: of each: written by ``post_create``, checked by an import. The program,
#: unit, mentor, category and core abilities are filled otherwise.
POST_PROFILE_FIELDS: Final[dict[str, str]] = {
    "code": "id",
    "name": "name",
    "duties": "duties",
    "key_tasks": "key_tasks",
    "expertise_needed": "expertise_needed",
    "develops": "develops",
    "seats": "seats",
    "duration_months": "duration_months",
}


def post_field_values(profile: PostProfile) -> dict[str, Any]:
    """The values of :data:`POST_PROFILE_FIELDS` for a profile."""
    return {name: getattr(profile, attr) for name, attr in POST_PROFILE_FIELDS.items()}


def post_profile(post: Post) -> PostProfile:
    """The engine profile of a post; expects ``unit``, ``mentor`` and ``core_abilities`` loaded."""
    return PostProfile(
        id=post.code,
        name=post.name,
        unit=post.unit.name,
        category=post.category,
        unit_kind=post.unit.kind,
        duties=post.duties,
        key_tasks=post.key_tasks,
        expertise_needed=post.expertise_needed,
        core_abilities=tuple((c.ability, float(c.weight)) for c in post.core_abilities.all()),
        develops=post.develops,
        seats=post.seats,
        duration_months=post.duration_months,
        mentor=post.mentor.name if post.mentor else "",
    )
