"""ORM rows of this app as the engine's types."""

from __future__ import annotations

from lianbing.engine.profiles import PostProfile

from .models import Post


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
